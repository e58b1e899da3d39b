"""Google's push notifications at the HTTP edge: what a calendar notification's headers may
look like, checked before the database is asked about the channel (the channel itself is
checked by `core.calendar.push.PushChannels.verify`).

Everything a notification says is in its headers; its body (Google sends none for calendars)
is never read beyond `BODY_LIMIT` bytes, and headers that are not what Google sends are
refused (`notification_problem`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# What Google sends in X-Goog-Resource-State: `sync` right after the channel opens, `exists`
# when something changed, `not_exists` when the resource is gone.
CHANGED_STATES = frozenset({"exists", "not_exists"})
STATES = CHANGED_STATES | {"sync"}
#: A calendar notification has no body; anything longer than this is not Google's.
BODY_LIMIT = 4 * 1024
CHANNEL_ID = "X-Goog-Channel-ID"
_HEADER_VALUE = re.compile(r"[\x21-\x7e]{1,256}")
_LIMITS = {CHANNEL_ID: 64, "X-Goog-Channel-Token": 256, "X-Goog-Resource-ID": 256,
           "X-Goog-Message-Number": 20}


def notification_problem(headers: Mapping[str, str]) -> tuple[int, str] | None:
    """(status, reason) when the headers cannot be a live channel's notification, decided
    without the database: 404 without a channel id, 400 for values Google never sends."""
    if not headers.get(CHANNEL_ID):
        return 404, "no channel id"
    for name, limit in _LIMITS.items():
        value = headers.get(name)
        if value is not None and (len(value) > limit or not _HEADER_VALUE.fullmatch(value)):
            return 400, f"a malformed {name} header"
    if headers.get("X-Goog-Resource-State") not in STATES:
        return 400, "no resource state Google sends"
    return None
