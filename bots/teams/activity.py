"""The shape of an inbound activity, checked before the SDK sees it.

The SDK answers 500 to a body pydantic refuses (a number for `type`, a string for `from`);
Cairn reads the JSON itself and refuses with 400 whatever is not an activity it can act on:
not a JSON object, an unknown `type`, ids that are not strings of a sane length, a text longer
than anything Teams sends. What passes is given to the SDK's `Activity` model.
"""

from __future__ import annotations

import json
from typing import Any

from microsoft_agents.activity import Activity
from pydantic import ValidationError

TYPES = frozenset({"message", "invoke", "conversationUpdate", "installationUpdate",
                   "messageReaction", "messageUpdate", "messageDelete", "typing", "event",
                   "endOfConversation"})
MAX_ID = 255
MAX_URL = 500
#: Teams caps a message at about 28 KB; a text longer than this was not typed in Teams.
MAX_TEXT = 40_000


class Malformed(Exception):
    """Not an activity Cairn acts on (the reason is for the log)."""


def _string(value: Any, what: str, *, limit: int = MAX_ID, required: bool = False) -> None:
    if value is None and not required:
        return
    if not isinstance(value, str) or (required and not value) or len(value) > limit:
        raise Malformed(f"{what} is not a string of at most {limit} characters")


def _account(value: Any, what: str, *, required: bool) -> None:
    if value is None and not required:
        return
    if not isinstance(value, dict):
        raise Malformed(f"{what} is not an object")
    _string(value.get("id"), f"{what}.id", required=required)
    _string(value.get("aadObjectId"), f"{what}.aadObjectId")
    _string(value.get("name"), f"{what}.name", limit=1000)


def parse(body: bytes) -> Activity:
    """The activity in a request body; raises Malformed."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Malformed("invalid JSON") from None
    if not isinstance(data, dict):
        raise Malformed("not a JSON object")
    kind = data.get("type")
    if kind not in TYPES:
        raise Malformed(f"an activity type Cairn does not know ({str(kind)[:40]!r})")
    _string(data.get("id"), "id")
    _string(data.get("channelId"), "channelId", limit=64)
    _string(data.get("serviceUrl"), "serviceUrl", limit=MAX_URL, required=True)
    if not str(data["serviceUrl"]).startswith(("https://", "http://")):
        raise Malformed("serviceUrl is not a URL")
    conversation = data.get("conversation")
    if not isinstance(conversation, dict):
        raise Malformed("conversation is not an object")
    _string(conversation.get("id"), "conversation.id", required=True)
    _string(conversation.get("tenantId"), "conversation.tenantId")
    _string(conversation.get("conversationType"), "conversation.conversationType", limit=40)
    _account(data.get("from"), "from", required=kind in ("message", "invoke"))
    _account(data.get("recipient"), "recipient", required=False)
    _string(data.get("text"), "text", limit=MAX_TEXT)
    _string(data.get("name"), "name", limit=200)
    _string(data.get("replyToId"), "replyToId")
    _string(data.get("localTimezone"), "localTimezone", limit=64)
    for field in ("membersAdded", "membersRemoved", "entities", "attachments"):
        items = data.get(field)
        if items is not None and (not isinstance(items, list) or len(items) > 500):
            raise Malformed(f"{field} is not a list")
    channel_data = data.get("channelData")
    if channel_data is not None and not isinstance(channel_data, dict):
        raise Malformed("channelData is not an object")
    try:
        return Activity.model_validate(data)
    except ValidationError as error:
        raise Malformed(f"the SDK refuses it ({error.error_count()} problems)") from None


def teams_tenant(activity: Activity) -> str:
    """The Entra tenant the activity comes from."""
    conversation = activity.conversation
    found = getattr(conversation, "tenant_id", None) if conversation else None
    if not found and isinstance(activity.channel_data, dict):
        tenant = activity.channel_data.get("tenant")
        found = tenant.get("id") if isinstance(tenant, dict) else None
    return str(found or "")[:MAX_ID]
