"""`python app.py teams-package` writes a zip Teams accepts: a manifest valid against
Microsoft's published schema (fetched from the npm registry in the test setup, see
`manifest_schema`), with the bot id from `MICROSOFT_APP_ID`, and icons of the right size and
kind, read back from the zip."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest

from bots.teams import package
from core.grammar.verbs import VERBS_BY_NAME
from tests.teams.conftest import APP_ID
from tests.teams.manifest_schema import SchemaUnavailable, teams_schema, validator

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def schema(request: pytest.FixtureRequest) -> dict[str, Any]:
    cache = Path(request.config.cache.mkdir("teams-manifest-schema"))
    try:
        return teams_schema(cache, package.MANIFEST_VERSION)
    except SchemaUnavailable as error:
        pytest.fail(str(error), pytrace=False)


def run_cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("MICROSOFT_", "PUBLIC"))}
    return subprocess.run([sys.executable, str(ROOT / "app.py"), "teams-package", *args],
                          cwd=tmp_path, env={**environ, **env}, capture_output=True, text=True,
                          timeout=120, check=False)


def read_png(data: bytes) -> tuple[int, int, list[tuple[int, int, int, int]]]:
    """Width, height and RGBA pixels of an 8-bit RGBA PNG (any filter)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, idat = 8, {}, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, kind
        if kind == b"IDAT":
            idat += body
        chunks[kind] = body
        pos += 12 + length
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (depth, color, interlace) == (8, 6, 0) and b"IEND" in chunks
    raw, stride, previous, pixels = zlib.decompress(idat), width * 4, bytearray(width * 4), []
    for row in range(height):
        kind, line = raw[row * (stride + 1)], bytearray(raw[row * (stride + 1) + 1:
                                                             (row + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - 4] if i >= 4 else 0
            up, corner = previous[i], previous[i - 4] if i >= 4 else 0
            guess = left + up - corner
            paeth = min((abs(guess - left), 0, left), (abs(guess - up), 1, up),
                        (abs(guess - corner), 2, corner))[2]
            line[i] = (line[i] + (0, left, up, (left + up) // 2, paeth)[kind]) & 0xFF
        pixels += [tuple(line[i:i + 4]) for i in range(0, stride, 4)]
        previous = line
    return width, height, pixels  # type: ignore[return-value]


def test_the_package_is_valid_against_microsofts_schema(tmp_path: Path,
                                                        schema: dict[str, Any]) -> None:
    done = run_cli(tmp_path, MICROSOFT_APP_ID=APP_ID, PUBLIC_URL="https://cairn.example.com/")
    assert done.returncode == 0, done.stderr
    assert "https://cairn.example.com/api/messages" in done.stdout
    with zipfile.ZipFile(tmp_path / "cairn-teams.zip") as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        color, outline = archive.read("color.png"), archive.read("outline.png")
    errors = sorted(validator(schema).iter_errors(manifest), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    assert manifest["manifestVersion"] == package.MANIFEST_VERSION
    assert manifest["$schema"].endswith(f"/v{package.MANIFEST_VERSION}/MicrosoftTeams.schema.json")
    [bot] = manifest["bots"]
    assert bot["botId"] == APP_ID and manifest["id"] == APP_ID
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    titles = [c["title"] for lists in bot["commandLists"] for c in lists["commands"]]
    assert titles and all(title in VERBS_BY_NAME for title in titles)
    assert manifest["validDomains"] == ["cairn.example.com"]

    width, height, pixels = read_png(color)
    assert (width, height) == (192, 192) and {p[3] for p in pixels} == {255}
    assert len(set(pixels)) > 2  # a drawing, not a flat square
    width, height, pixels = read_png(outline)
    assert (width, height) == (32, 32)
    assert all(p[3] == 0 or p[:3] == (255, 255, 255) for p in pixels)  # white on transparent
    assert pixels[0][3] == 0 and any(p[3] == 255 for p in pixels)


def test_the_schema_check_would_catch_a_broken_manifest(schema: dict[str, Any]) -> None:
    good = package.manifest(app_id=APP_ID, public_url="https://cairn.example.com")
    check = validator(schema)
    assert check.is_valid(good)
    for broken in ({**good, "manifestVersion": "1.2"}, {**good, "id": "not-a-guid"},
                   {**good, "bots": [{**good["bots"][0], "scopes": ["everywhere"]}]},
                   {k: v for k, v in good.items() if k != "icons"}):
        assert not check.is_valid(broken)


@pytest.mark.parametrize(("env", "message"), [
    ({}, "MICROSOFT_APP_ID is not set"),
    ({"MICROSOFT_APP_ID": "my-bot"}, "must be the Azure Bot registration's app id"),
    ({"MICROSOFT_APP_ID": APP_ID, "PUBLIC_URL": "ftp://x"}, "PUBLIC_URL must be"),
])
def test_bad_settings_get_a_one_line_error_and_no_file(tmp_path: Path, env: dict[str, str],
                                                       message: str) -> None:
    done = run_cli(tmp_path, **env)
    assert done.returncode == 1 and message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "cairn-teams.zip").exists()


def test_an_unwritable_destination_is_a_clear_error(tmp_path: Path) -> None:
    done = run_cli(tmp_path, "-o", str(tmp_path / "missing" / "p.zip"), MICROSOFT_APP_ID=APP_ID)
    assert done.returncode == 1 and "cannot write" in done.stderr
