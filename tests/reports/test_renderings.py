"""The report card and a report file on every front end: the shell's text, Block Kit that Slack
accepts, Adaptive Cards that Teams accepts (under 28 KB), with hostile titles escaped; the
signed file addresses a Teams card points at, served over real HTTP."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

from bots.shell.render import render as shell_text
from bots.slack import render as slack
from bots.teams import render as teams
from core.reports.card import ReportCard, report_card
from core.reports.ports import StoredFile
from core.reports.views import FileKind, ReportFile
from integrations.exports.links import FileLinks
from integrations.exports.store import FolderFileStore
from tests.fakes import FrozenClock
from tests.reports.builders import NOW
from tests.reports.scenario import this_week
from tests.slack.blockkit import message_problems
from tests.teams.adaptive_cards import MESSAGE_BYTES, activity_problems
from wiring.reports import add_file_route

NASTY = "<!channel> *bold* <at>Bob</at> [x](javascript:alert(1)) & 𝔘 " * 40


def card(title: str = "Weekly report") -> ReportCard:
    base = report_card(this_week())
    goals = tuple(dataclasses.replace(line, title=NASTY[:200]) for line in base.goals)
    return dataclasses.replace(base, name=title, goals=goals)


def chart_file(url: str = "https://cairn.example.com/files/t/c.png?sig=1") -> ReportFile:
    return ReportFile(kind=FileKind.CHART, title="Burn-up · #1", summary="Burn-up · Q4 2026",
                      file=StoredFile(name="c.png", location="/nowhere/c.png",
                                      media_type="image/png", token="t" * 24), url=url)


def test_the_shell_shows_the_figures_goals_and_where_a_file_went() -> None:
    text = shell_text(report_card(this_week()))
    assert "Weekly report · Company" in text and "On time:" in text and "Overdue" in text
    assert "Post the job ad" in text and "Check-in latency" in text
    assert "Written to /nowhere/c.png" in shell_text(chart_file())


def test_slack_accepts_the_card_and_escapes_what_people_typed() -> None:
    for view in (card(), chart_file()):
        payload = slack.message(view)
        assert message_problems(payload) == [], payload
    shown = str(slack.message(card()))
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown


def test_teams_shows_the_chart_as_an_image_and_the_card_within_its_limits() -> None:
    for view in (card(), chart_file()):
        activity = teams.message(view)
        assert activity_problems(activity) == [], activity
        assert len(str(activity).encode()) < MESSAGE_BYTES * 2
    [image] = [e for e in teams.card(chart_file())["body"] if e["type"] == "Image"]
    assert image["url"].startswith("https://cairn.example.com/files/")
    export = dataclasses.replace(chart_file(), kind=FileKind.EXPORT, file=StoredFile(
        name="x.xlsx", location="/nowhere/x.xlsx", media_type="application/xlsx", token="t"))
    content = teams.card(export)
    assert not [e for e in content["body"] if e["type"] == "Image"]
    assert content["actions"][0]["type"] == "Action.OpenUrl"


async def test_a_signed_address_serves_the_file_until_it_expires(tmp_path: Path) -> None:
    clock = FrozenClock(NOW.isoformat())
    links = FileLinks("http://127.0.0.1", b"k" * 32, ttl=timedelta(hours=1))
    store = FolderFileStore(tmp_path, links)
    stored = await store.save(b"\x89PNG picture", "image/png", "cairn", "Burn-up", "#1")
    app = web.Application()
    add_file_route(app, store, clock)
    server = TestServer(app)
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")
    address = store.address(stored, clock.now()).replace("http://127.0.0.1", base)
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(address) as ok:
                assert ok.status == 200 and await ok.read() == b"\x89PNG picture"
                assert ok.headers["Content-Type"] == "image/png"
            async with http.get(address.replace("sig=", "sig=0")) as forged:
                assert forged.status == 403
            other = address.replace(stored.token, "A" * len(stored.token))
            async with http.get(other) as elsewhere:
                assert elsewhere.status == 403
            clock.advance(hours=2)
            async with http.get(address) as late:
                assert late.status == 403 and "expired" in await late.text()
    finally:
        await server.close()
