"""What Cairn sends Slack is escaped everywhere: titles that hold `<!channel>`, `<@U123>`,
`<https://evil|x>` or a literal `&amp;` never ping, never link and never read double-escaped,
on a card, a list, a channel card and its thread, a digest, a nudge DM, the App Home and a
modal, in the fallback `text` as much as in the blocks.

Everything the fake Slack received (Web API calls, response_url posts) and every ack is walked:
mrkdwn texts (a message's `text`, `mrkdwn` text objects) must hold the titles escaped once;
plain texts (headers, buttons, options, titles of modals), which Slack never parses, must hold
them as typed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bots.slack.mrkdwn import escape
from tests.fakes import FrozenClock
from tests.slack import payloads
from tests.slack.conftest import Cairn
from tests.slack.test_nudges import BOB_MONDAY, START, tick

TITLES = ("Ping <!channel> now", "Hi <@U123> there", "Click <https://evil.example|x> here",
          "Fish &amp; chips")
LIVE = ("<!channel>", "<@U123>", "<https://evil.example|x>", "<!here>")
TWICE = ("&amp;lt;", "&amp;gt;", "&amp;amp;amp;")


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


def texts(payload: Any) -> tuple[list[str], list[str]]:
    """(mrkdwn texts, plain texts) of a message or a view."""
    mrkdwn: list[str] = []
    plain: list[str] = []
    if isinstance(payload.get("text"), str):
        mrkdwn.append(payload["text"])

    def walk(value: Any) -> None:
        if isinstance(value, str) and value[:1] in "[{":
            try:
                value = json.loads(value)
            except ValueError:
                return
        if isinstance(value, dict):
            if value.get("type") == "mrkdwn" and isinstance(value.get("text"), str):
                mrkdwn.append(value["text"])
            elif value.get("type") == "plain_text" and isinstance(value.get("text"), str):
                plain.append(value["text"])
            else:
                for item in value.values():
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for key in ("blocks", "view", "attachments"):
        walk(payload.get(key))
    return mrkdwn, plain


class Sent:
    """Everything Cairn sent Slack so far, by surface."""

    def __init__(self, slack: Cairn, acks: list[dict[str, Any]]) -> None:
        self.surfaces: dict[str, list[dict[str, Any]]] = {"ack": acks}
        for call in slack.fake.called_any():
            self.surfaces.setdefault(call.method, []).append(call.args)
        self.surfaces["response_url"] = [p for _, p in slack.fake.responses]

    def check(self) -> None:
        for surface, sent in self.surfaces.items():
            for payload in sent:
                mrkdwn, plain = texts(payload)
                for text in mrkdwn:
                    for bad in (*LIVE, *TWICE):
                        assert bad not in text, (surface, bad, text[:300])
                for text in plain:
                    for bad in ("&lt;", "&gt;", "&amp;amp;"):
                        assert bad not in text, (surface, bad, text[:300])

    def shows(self, surface: str, title: str) -> bool:
        """Whether a mrkdwn text sent on this surface shows the title, escaped once."""
        wanted = escape(title)
        return any(wanted in text for payload in self.surfaces.get(surface, [])
                   for text in texts(payload)[0])


async def typed(slack: Cairn, text: str, *, user: str = "U1") -> dict[str, Any]:
    """A slash command as Slack sends what a person typed: their `<`, `>`, `&` escaped."""
    body = payloads.slash_command(text, user_id=user, team_id="T1", channel="C1",
                                  response_url=slack.fake.response_url())
    sent = await slack.post(body)
    assert sent.status == 200, sent.text
    await slack.settle()
    return sent.json


async def test_titles_never_ping_link_or_double_escape_anywhere(slack: Cairn,
                                                                clock: FrozenClock) -> None:
    await slack.answer("plan professional")
    acks = []
    for n, title in enumerate(TITLES):
        acks.append(await typed(slack, f'milestone "{escape(title)}" owner:<@U2|bob> '
                                       f"due:2026-12-1{n} <#C0LAUNCH|launch>"))
    await slack.relay()  # each card posted in its home channel
    for number in range(1, len(TITLES) + 1):
        acks.append(await typed(slack, f"show #{number}"))
    acks.append(await typed(slack, "list team"))
    clock.set("2026-11-18T12:00:00+00:00")
    moved = TITLES[:2]  # #1 and #2 move this week; #3 and #4 wait for Bob's check-in
    for number in range(1, len(moved) + 1):
        acks.append(await typed(slack, f"update #{number} 40% on track", user="U2"))
    await slack.relay()  # thread replies, cards edited, App Homes republished
    await tick(slack, clock, "2026-11-20T16:00:00+00:00")  # the weekly digest
    await tick(slack, clock, BOB_MONDAY)  # Bob's check-in DM
    await slack.event({"type": "app_home_opened", "user": "U2", "tab": "home"})
    await slack.interact(payloads.block_action("cairn.details", "#1", user_id="U2",
                                               team_id="T1", home_view="VHOME"))
    await slack.interact(payloads.block_action("cairn.checkin", "#2", user_id="U2",
                                               team_id="T1", home_view="VHOME"))
    await slack.settle()
    sent = Sent(slack, [a for a in acks if a])
    sent.check()
    for title in TITLES:
        assert sent.shows("ack", title), title  # the card of its creation, show, list
        assert sent.shows("chat.postMessage", title), title  # the channel card, digest, DM
        assert sent.shows("views.publish", title), title  # the App Home
    assert sent.shows("chat.update", TITLES[0])  # the channel card, edited in place
    assert sent.shows("views.open", TITLES[0]) and sent.shows("views.open", TITLES[1])
    threads = [p for p in sent.surfaces["chat.postMessage"] if p.get("thread_ts")]
    assert len(threads) == len(moved)  # one reply per update, in each card's thread
    digest = [p for p in sent.surfaces["chat.postMessage"] if "Weekly digest" in
              json.dumps(p)]
    dm = [p for p in sent.surfaces["chat.postMessage"] if p.get("channel") == "DU2"]
    assert digest and dm
    for title in TITLES:
        assert any(escape(title) in json.dumps(p) for p in dm), title
    for title in moved:
        assert any(escape(title) in json.dumps(p) for p in digest), title
