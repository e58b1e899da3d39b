"""The Teams app package: `manifest.json`, `color.png` and `outline.png` in one zip, which an
admin uploads to the organisation's app catalog (`python app.py teams-package`).

The manifest follows Microsoft's schema `MANIFEST_VERSION` (checked in the tests against the
published JSON schema): one bot, the Azure Bot registration's app id (`MICROSOFT_APP_ID`), in
personal chats, teams and group chats, with the most used commands of the shared grammar as
its command list (taken from the grammar's own help, so it never lists a verb that does not
work).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any
from urllib.parse import urlsplit

from bots.teams import icons
from core.grammar.help import help_view
from core.views import HelpEntry

MANIFEST_VERSION = "1.30"
SCHEMA_URL = (f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/"
              "MicrosoftTeams.schema.json")
SCOPES = ("personal", "team", "groupChat")
#: The verbs Teams suggests when someone types `@Cairn` (it shows at most 12 per list).
COMMANDS = ("help", "new", "list", "show", "update", "done", "comment", "assign", "due",
            "remind", "inbox", "me")
MAX_COMMANDS = 12
COMMAND_DESCRIPTION = 128
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
SHORT_DESCRIPTION = "Goals, milestones and check-ins where your team already talks."
FULL_DESCRIPTION = (
    "Cairn tracks goals, milestones and tasks from chat. Create them with a form or a line "
    "(@Cairn goal \"Grow revenue 20%\" due:end of quarter), update progress from the card, "
    "and watch it roll up to the goals above. Cairn asks each owner for a check-in at their "
    "own local time, warns before deadlines, posts a weekly digest in each home channel and "
    "keeps deadlines in your calendars. The same Cairn works in Slack: one company can use "
    "both at once.")


class PackageError(ValueError):
    """The package cannot be made from these settings (the message says why)."""


def commands() -> list[dict[str, str]]:
    """The command list, from the grammar's help: `title` is the verb, `description` what it
    does and how it is typed."""
    entries: dict[str, HelpEntry] = {}
    for section in help_view().sections:  # the verbs' own sections come before the examples
        for entry in section.entries:
            entries.setdefault(entry.usage.split()[0], entry)
    found = []
    for verb in COMMANDS[:MAX_COMMANDS]:
        entry = entries[verb]
        summary = entry.summary[:1].upper() + entry.summary[1:]
        description = f"{summary}: {entry.usage}"
        if len(description) > COMMAND_DESCRIPTION:
            description = description[:COMMAND_DESCRIPTION - 1].rstrip() + "…"
        found.append({"title": verb, "description": description})
    return found


def manifest(*, app_id: str, public_url: str, version: str = "1.0.0") -> dict[str, Any]:
    if not app_id:
        raise PackageError("MICROSOFT_APP_ID is not set: the package needs the Azure Bot "
                           "registration's app id (a GUID)")
    if not GUID.match(app_id):
        raise PackageError("MICROSOFT_APP_ID must be the Azure Bot registration's app id, a "
                           f"GUID like 00000000-0000-0000-0000-000000000000 (got {app_id!r})")
    base = public_url.rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PackageError(f"PUBLIC_URL must be an http(s) address (got {public_url!r})")
    return {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": app_id,
        "developer": {"name": "Cairn", "websiteUrl": base, "privacyUrl": f"{base}/privacy",
                      "termsOfUseUrl": f"{base}/terms"},
        "name": {"short": "Cairn", "full": "Cairn: milestones where your team talks"},
        "description": {"short": SHORT_DESCRIPTION, "full": FULL_DESCRIPTION},
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": icons.accent_hex(),
        "bots": [{
            "botId": app_id,
            "scopes": list(SCOPES),
            "supportsFiles": False,
            "isNotificationOnly": False,
            "commandLists": [{"scopes": list(SCOPES), "commands": commands()}],
        }],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [parts.hostname],
        "defaultInstallScope": "personal",
    }


def package(*, app_id: str, public_url: str, version: str = "1.0.0") -> bytes:
    """The zip Teams takes: the three files at its root."""
    content = json.dumps(manifest(app_id=app_id, public_url=public_url, version=version),
                         indent=2, ensure_ascii=False)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", content)
        archive.writestr("color.png", icons.color_icon())
        archive.writestr("outline.png", icons.outline_icon())
    return buffer.getvalue()
