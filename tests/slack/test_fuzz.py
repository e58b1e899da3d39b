"""A property of the Slack edge, checked with hypothesis: real payload shapes (a slash command,
clicks, a form, a type-ahead, shortcuts, events, a challenge), mutated (values of the wrong
type, keys removed, huge or hostile strings, unknown types), signed and posted over real HTTP
to the running app never get a 5xx, never put a traceback or an error in the log, and never
write anything.

The payloads are chosen so that even unmutated they write nothing (a read, a form with more
wrong fields than mutations can fix): anything written is a mutation that got through. The
bookkeeping of requests (click keys, command signatures) is not counted.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.slack import payloads
from tests.slack.conftest import Cairn
from tests.slack.test_reliability import count

EXAMPLES = 300
WRITES = ("SELECT (SELECT COUNT(*) FROM tenants) + (SELECT COUNT(*) FROM users) * 10 + "
          "(SELECT COUNT(*) FROM milestones) * 100 + (SELECT COUNT(*) FROM activity) * 1000 + "
          "(SELECT COUNT(*) FROM outbox) * 10000 + (SELECT COUNT(*) FROM comments) * 100000 + "
          "(SELECT COUNT(*) FROM notifications) * 1000000 + "
          "(SELECT COUNT(*) FROM progress_updates) * 10000000 + "
          "(SELECT COUNT(*) FROM slack_workspaces) * 100000000 + "
          "(SELECT COUNT(*) FROM slack_members) * 1000000000")

VALUES: list[Any] = [
    None, True, False, 0, -1, 1.5, 10**20, "", "NaN", "x" * 100_000, "U" * 52, "T" * 52,
    "E" * 92, "<!channel>", "nul\u0000byte", "\ud800", "🎯" * 10, "#1", "unknown_type",
    "²", "#" + "9" * 30, "9" * 30 + " 1h",
    "cairn.unknown", [], [1, 2, 3], [{}], {}, {"id": 5}, {"type": "unknown"}, {"id": None},
]
OPS = ("delete", "replace")


def _form(text: str, cairn: Cairn) -> dict[str, str]:
    body = payloads.slash_command(text, user_id="U1", team_id="T1", channel="C1",
                                  response_url=cairn.fake.response_url())
    return dict(parse_qsl(body))


def _click(cairn: Cairn) -> dict[str, Any]:
    return payloads.block_action("cairn.run:show", "show #1", user_id="U1", team_id="T1",
                                 response_url=cairn.fake.response_url(), block_id="card.fz")


def _open_checkin(cairn: Cairn) -> dict[str, Any]:
    return payloads.block_action("cairn.checkin", "#1", user_id="U1", team_id="T1",
                                 response_url=cairn.fake.response_url())


def _snooze(cairn: Cairn) -> dict[str, Any]:
    # A nudge nobody sent: refused, nothing snoozed.
    return payloads.block_action("cairn.snooze", "999 1h", user_id="U1", team_id="T1",
                                 response_url=cairn.fake.response_url(), select=True)


def _menu(cairn: Cairn) -> dict[str, Any]:
    return payloads.block_action("cairn.more", "cairn.run show #1", user_id="U1",
                                 team_id="T1", overflow=True, home_view="VHOME")


def _form_submission(cairn: Cairn) -> dict[str, Any]:
    view = {"type": "modal", "callback_id": "cairn.milestone", "private_metadata": "{}",
            "title": {"type": "plain_text", "text": "New milestone"}}
    # Four wrong fields: a mutation or three cannot make it valid.
    values = {"title": {"value": {"type": "plain_text_input", "value": ""}},
              "kind": {"value": {"type": "static_select", "selected_option": {"value": "goal"}}},
              "due": {"value": {"type": "datepicker", "selected_date": "2026-02-30"}},
              "start": {"value": {"type": "datepicker", "selected_date": "1066-10-14"}},
              "crit_metric": {"value": {"type": "plain_text_input", "value": "ARR"}},
              "crit_start": {"value": {"type": "number_input", "value": "abc"}},
              "crit_target": {"value": {"type": "number_input", "value": "many"}}}
    return payloads.view_submission(view, values, user_id="U1", team_id="T1")


def _closed(cairn: Cairn) -> dict[str, Any]:
    return {"type": "view_closed", "team": payloads.team("T1"),
            "user": payloads.user("U1", "T1"), "api_app_id": "ACAIRN", "is_cleared": False,
            "view": {"id": "V1", "type": "modal", "callback_id": "cairn.checkin",
                     "private_metadata": "{}", "state": {"values": {}}}}


def _search(cairn: Cairn) -> dict[str, Any]:
    return payloads.suggestion("cairn.parent", "Fuzz", user_id="U1", team_id="T1")


def _shortcut(cairn: Cairn) -> dict[str, Any]:
    return payloads.global_shortcut("cairn.new", user_id="U1", team_id="T1")


def _message_shortcut(cairn: Cairn) -> dict[str, Any]:
    return payloads.message_shortcut("cairn.comment_from_message", "Ship <it> & more",
                                     user_id="U1", team_id="T1", channel="C1",
                                     response_url=cairn.fake.response_url())


def _event(event: dict[str, Any]) -> Callable[[Cairn], dict[str, Any]]:
    return lambda cairn: payloads.event_callback(dict(event), team_id="T1")


#: (how it is sent, its builder): "form" for a slash command's fields, "payload" for
#: interactivity (`payload=<JSON>`), "json" for the Events API.
BASES: list[tuple[str, Callable[[Cairn], Any]]] = [
    ("form", lambda cairn: _form("list mine", cairn)),
    ("payload", _click),
    ("payload", _open_checkin),
    ("payload", _snooze),
    ("payload", _menu),
    ("payload", _form_submission),
    ("payload", _closed),
    ("payload", _search),
    ("payload", _shortcut),
    ("payload", _message_shortcut),
    ("json", _event({"type": "app_home_opened", "user": "U1", "tab": "messages"})),
    ("json", _event({"type": "app_uninstalled"})),
    ("json", _event({"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT"]}})),
    ("json", lambda cairn: {"type": "url_verification", "challenge": "c", "token": "t"}),
]

MUTATION = st.tuples(st.integers(0, 10_000), st.sampled_from(OPS),
                     st.integers(0, len(VALUES) - 1))
CASE = st.tuples(st.integers(0, len(BASES) - 1), st.lists(MUTATION, min_size=1, max_size=3))


def paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key and index inside a payload, outermost first."""
    found: list[tuple[Any, ...]] = []
    items = (sorted(value.items()) if isinstance(value, dict) else
             list(enumerate(value)) if isinstance(value, list) else [])
    for key, item in items:
        found.append((*at, key))
        found += paths(item, (*at, key))
    return found


def mutate(payload: Any, spot: int, op: str, value: Any, *, strings_only: bool) -> None:
    found = paths(payload)
    if not found:
        return
    *parent_path, key = found[spot % len(found)]
    parent = payload
    for step in parent_path:
        parent = parent[step]
    if op == "delete":
        del parent[key]
    else:
        parent[key] = value if not strings_only or isinstance(value, str) else json.dumps(
            value)


def encode(kind: str, payload: Any) -> tuple[str, str]:
    if kind == "form":
        # A lone surrogate goes out as the bytes it would be: not UTF-8, as a forger would.
        return urlencode(payload, errors="surrogatepass"), "application/x-www-form-urlencoded"
    if kind == "payload":
        return payloads.interactive(payload), "application/x-www-form-urlencoded"
    return json.dumps(payload), "application/json"


@pytest.fixture
async def target(slack: Cairn) -> Cairn:
    await slack.answer("plan professional")
    await slack.answer('goal "Fuzz target"')
    await slack.settle()
    return slack


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=CASE)
async def test_mutated_payloads_never_fail_never_trace_and_never_write(
        target: Cairn, caplog: pytest.LogCaptureFixture,
        case: tuple[int, list[tuple[int, str, int]]]) -> None:
    base, mutations = case
    kind, build = BASES[base]
    payload = build(target)
    for spot, op, value in mutations:
        mutate(payload, spot, op, copy.deepcopy(VALUES[value]), strings_only=kind == "form")
    body, content_type = encode(kind, payload)
    writes = await count(target.runtime.database, WRITES)
    seen = len(caplog.records)
    with caplog.at_level(logging.INFO):
        sent = await target.post(body, content_type=content_type)
        await target.settle()
    assert sent.status in (200, 400), (sent.status, sent.text[:300])
    bad = [r for r in caplog.records[seen:] if r.exc_info or r.levelno >= logging.ERROR]
    assert bad == [], [r.getMessage()[:300] for r in bad]
    assert await count(target.runtime.database, WRITES) == writes, body[:500]
