"""Microsoft's published JSON schema of the Teams app manifest, for the package test.

The schema ships in the npm package `@microsoft/app-manifest` (Microsoft's manifest library of
the Agents Toolkit), under `build/json-schemas/teams/v<version>/MicrosoftTeams.schema.json`.
Nothing fetched is committed: the test setup asks the npm registry for the pinned version with
`npm pack` (npm is on every machine that runs the suite, CI included), checks the tarball
against the pinned integrity hash, and keeps it in pytest's cache directory (`.pytest_cache/`,
git-ignored) so later runs need no network. Without npm or the registry the test fails, saying
so: CI must never pass by skipping it.

Microsoft's schemas declare draft-04 but use `const` (a later draft's keyword), which their own
validator (ajv) enforces; `validator` does the same.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.validators import Draft4Validator, Draft6Validator, extend

PACKAGE = "@microsoft/app-manifest"
VERSION = "1.1.2"
INTEGRITY = ("sha512-uXdmYzhIcchi3Tc9Sh3pTDMe55zy7ge19bnYCGB1gzuyha85Ii7wfdTruwEhqseaX9pwsWD"
             "RB5Ot/ltv0rCONw==")
TARBALL = f"microsoft-app-manifest-{VERSION}.tgz"


class SchemaUnavailable(RuntimeError):
    pass


def _verified(tarball: Path) -> bool:
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    return f"sha512-{digest}" == INTEGRITY


def tarball(cache: Path) -> Path:
    """The pinned package's tarball, from the cache or the npm registry."""
    found = cache / TARBALL
    if found.exists() and _verified(found):
        return found
    npm = shutil.which("npm")
    if npm is None:
        raise SchemaUnavailable("npm is not installed: the Teams manifest test needs it to get "
                                f"{PACKAGE}@{VERSION} (Microsoft's manifest schemas)")
    scratch = cache / f"download-{os.getpid()}"
    scratch.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([npm, "pack", f"{PACKAGE}@{VERSION}", "--pack-destination",
                             str(scratch), "--silent"], capture_output=True, text=True,
                            timeout=300, check=False)
    fetched = scratch / TARBALL
    if result.returncode != 0 or not fetched.exists():
        raise SchemaUnavailable(f"npm pack {PACKAGE}@{VERSION} failed: "
                                f"{(result.stderr or result.stdout)[-1000:]}")
    if not _verified(fetched):
        raise SchemaUnavailable(f"{PACKAGE}@{VERSION} does not match its pinned integrity hash")
    fetched.replace(found)  # atomic: parallel workers never see half a file
    shutil.rmtree(scratch, ignore_errors=True)
    return found


def teams_schema(cache: Path, manifest_version: str) -> dict[str, Any]:
    member = f"package/build/json-schemas/teams/v{manifest_version}/MicrosoftTeams.schema.json"
    with tarfile.open(tarball(cache), "r:gz") as archive:
        try:
            extracted = archive.extractfile(member)
        except KeyError:
            extracted = None
        if extracted is None:
            raise SchemaUnavailable(f"{PACKAGE}@{VERSION} has no schema v{manifest_version}")
        return dict(json.loads(extracted.read().decode("utf-8-sig")))


def validator(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    draft4_with_const = extend(Draft4Validator, {"const": Draft6Validator.VALIDATORS["const"]})
    return draft4_with_const(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
