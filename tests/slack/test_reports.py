"""Reports in Slack over signed HTTP: the report card in Block Kit, and charts and exports
uploaded with files upload v2 (the three calls against the fake Slack) into the channel they
were asked in, or the person's DM where Cairn is not a member; the files parsed back."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bots.slack.ack import WORKING
from bots.slack.uploads import share
from core.model import TenantId
from core.reports.ports import ReportTools, StoredFile
from core.reports.views import FileKind, ReportFile
from integrations.charts.renderer import ProcessChartRenderer
from integrations.exports.links import FileLinks
from integrations.exports.store import FolderFileStore
from storage import Database
from storage.reports import TortoiseReportSources
from storage.reports.schedules import TortoiseReportSchedules
from storage.scoped import Repository
from tests.fakes import FrozenClock
from tests.reports.pictures import looks_drawn, png_size
from tests.slack.conftest import BOT_TOKEN, SECRET, Cairn, _cairn
from tests.slack.fake_slack import FakeSlack
from tests.slack.test_commands import setup_team, text_of
from wiring.nudges import NudgeEngine
from wiring.runtime import SystemClock
from wiring.settings import Settings

PUBLIC = "https://cairn.example.com"


@pytest.fixture(scope="module")
def renderer() -> Iterator[ProcessChartRenderer]:
    drawing = ProcessChartRenderer()
    yield drawing
    asyncio.run(drawing.close())


@pytest.fixture
async def slack(database: Database, fake_slack: FakeSlack, tmp_path: Path,
                renderer: ProcessChartRenderer) -> AsyncIterator[Cairn]:
    settings = Settings(database_url=database.url, slack_signing_secret=SECRET,
                        slack_bot_token=BOT_TOKEN, slack_api_url=fake_slack.api_url,
                        _env_file=None)  # type: ignore[call-arg]
    links = FileLinks(PUBLIC, b"s" * 32)
    tools = ReportTools(sources=TortoiseReportSources(database.unit_of_work()),
                        renderer=renderer, files=FolderFileStore(tmp_path / "files", links),
                        schedules=TortoiseReportSchedules(database.unit_of_work()))
    async for cairn in _cairn(database, fake_slack, settings, SystemClock(), reports=tools):
        yield cairn


async def test_the_report_card_is_block_kit(slack: Cairn) -> None:
    await setup_team(slack)
    await slack.answer("update #2 40% on track")
    answer = await slack.answer("report month")
    shown = text_of(answer)
    assert "Monthly report · Company" in shown and "Grow revenue 20%" in shown
    assert any(b["type"] == "header" for b in answer["blocks"])
    assert "Progress" in shown and "Check-in latency" in shown


async def test_a_chart_is_uploaded_into_the_channel_it_was_asked_in(slack: Cairn) -> None:
    await setup_team(slack)
    await slack.answer("update #2 50% on track")
    answer = await slack.answer("chart burnup #1", channel="C7")
    assert "shared in this conversation" in text_of(answer)
    fake = slack.fake
    assert len(fake.called("files.getUploadURLExternal")) == 1
    assert len(fake.called("files.completeUploadExternal")) == 1
    [shared] = fake.shared_files("C7")
    assert shared.filename.endswith(".png") and shared.title == "Burn-up · #1"
    assert shared.data is not None and png_size(shared.data) == (1200, 600)
    assert looks_drawn(shared.data) and shared.alt_txt


async def test_a_chart_is_acked_at_once_and_its_answer_replaces_the_ack(slack: Cairn) -> None:
    """A chart takes a while: the ack does not wait out the budget for it (the command says
    so), and the answer replaces "Working on it…" through the response URL."""
    await setup_team(slack)
    slack.app.front.ack_budget = 30.0  # were the ack to wait for the drawing, it would show
    sent = await slack.command("chart status")
    assert sent.json == {"response_type": "ephemeral", "text": WORKING}
    await slack.settle()
    [answer] = slack.fake.responses_to(sent.response_url)
    assert answer["replace_original"] is True
    assert "shared in this conversation" in text_of(answer)
    assert len(slack.fake.shared_files()) == 1


async def test_an_export_goes_by_dm_where_cairn_is_not_in_the_channel(slack: Cairn) -> None:
    await setup_team(slack)
    slack.fake.outside.add("C9")
    answer = await slack.answer("export csv company all", channel="C9")
    assert "sent to you in a DM" in text_of(answer) and "/invite @Cairn" in text_of(answer)
    [shared] = slack.fake.shared_files()
    assert shared.channel == slack.fake.dm_of("U1")
    assert shared.data is not None
    rows = list(csv.reader(io.StringIO(shared.data.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["1", "2", "3"]
    assert "Launch beta" in rows[2]


async def test_an_xlsx_export_parses_back(slack: Cairn) -> None:
    await setup_team(slack)
    await slack.answer("export xlsx")
    [shared] = slack.fake.shared_files("C1")
    assert shared.data is not None
    book = load_workbook(io.BytesIO(shared.data))
    assert set(book.sheetnames) == {"Summary", "Milestones", "Updates"}
    assert book["Milestones"].max_row == 4


async def test_a_file_asked_for_in_a_thread_is_shared_in_that_thread(
        slack: Cairn, tmp_path: Path) -> None:
    png = tmp_path / "c.png"
    png.write_bytes(b"\x89PNG not really")
    view = ReportFile(kind=FileKind.CHART, title="Status · Company", summary="Status",
                      file=StoredFile(name="c.png", location=str(png), media_type="image/png",
                                      token="t" * 20))
    from slack_sdk.web.async_client import AsyncWebClient

    client = AsyncWebClient(token=BOT_TOKEN, base_url=slack.fake.api_url)
    notice = await share(client, view, channel="C3", user_id="U1", thread_ts="1700000000.5")
    assert "in this thread" in notice.text
    [shared] = slack.fake.shared_files("C3")
    assert shared.thread_ts == "1700000000.5" and shared.data == png.read_bytes()
    completed = slack.fake.called("files.completeUploadExternal")[0]
    assert json.loads(completed.args["files"])[0]["title"] == "Status · Company"


@pytest.fixture
async def slack_at(database: Database, fake_slack: FakeSlack, tmp_path: Path,
                   renderer: ProcessChartRenderer) -> AsyncIterator[tuple[Cairn, FrozenClock]]:
    """Cairn over Slack on a clock the test moves (the scheduler's ticks are called by hand)."""
    clock = FrozenClock("2026-12-01T09:00:00+00:00")
    settings = Settings(database_url=database.url, slack_signing_secret=SECRET,
                        slack_bot_token=BOT_TOKEN, slack_api_url=fake_slack.api_url,
                        _env_file=None)  # type: ignore[call-arg]
    tools = ReportTools(sources=TortoiseReportSources(database.unit_of_work()),
                        renderer=renderer,
                        files=FolderFileStore(tmp_path / "files", FileLinks(PUBLIC, b"s" * 32)),
                        schedules=TortoiseReportSchedules(database.unit_of_work()))
    async for cairn in _cairn(database, fake_slack, settings, clock, reports=tools):
        yield cairn, clock


async def test_a_weekly_report_goes_out_once_a_week_through_the_nudge_queue(
        slack_at: tuple[Cairn, FrozenClock]) -> None:
    """The nudge engine's ticks (two instances' worth) claim the week's report at the
    workspace's time and the delivery queue posts it: once, with its burn-up; next week again."""
    slack, clock = slack_at
    await setup_team(slack)
    refused = await slack.answer("report weekly <#C05GENERAL|general> friday 16:00", user="U2")
    assert "admin" in text_of(refused).lower()
    done = await slack.answer("report weekly <#C05GENERAL|general> friday 16:00")
    assert "Fridays at 16:00" in text_of(done)
    tools = slack.deps.reports
    assert tools is not None and tools.schedules is not None
    schedule = await tools.schedules.get(TenantId(1))
    assert schedule is not None and schedule.channel == "C05GENERAL"
    zone = ZoneInfo(schedule.timezone)
    friday = datetime(2026, 12, 4, 16, 5, tzinfo=zone).astimezone(UTC)
    one, two = NudgeEngine(slack.runtime), NudgeEngine(slack.runtime)

    clock.set(friday - timedelta(hours=1))
    await one.tick()
    assert slack.fake.posted_to("C05GENERAL") == []
    clock.set(friday)
    await one.tick()
    await two.tick()  # another instance, the same minute
    clock.advance(minutes=30)
    await two.tick()
    await one.tick()
    [posted] = slack.fake.posted_to("C05GENERAL")
    async with slack.deps.uow() as tx:
        [row] = await Repository(tx).sql(
            "SELECT kind, period, status FROM nudge_deliveries WHERE channel = ?",
            ["C05GENERAL"])
    assert (row["kind"], row["period"], row["status"]) == ("report", "2026-W49", "sent")
    blocks = json.loads(posted["blocks"]) if isinstance(posted["blocks"], str) else (
        posted["blocks"])
    shown = json.dumps(blocks, ensure_ascii=False)
    assert "Weekly report · Company" in shown and "Week of Mon 30 Nov 2026" in shown
    [image] = [b for b in blocks if b["type"] == "image"]
    assert image["image_url"].startswith(PUBLIC + "/files/")
    # The address Slack fetches the picture from, served by Cairn itself.
    async with slack.http.get(image["image_url"].removeprefix(PUBLIC)) as served:
        assert served.status == 200
        assert looks_drawn(await served.read())

    clock.set(friday + timedelta(days=7))
    await one.tick()
    assert len(slack.fake.posted_to("C05GENERAL")) == 2
    assert "off" in text_of(await slack.answer("report weekly off"))
    assert await tools.schedules.get(TenantId(1)) is None
    clock.set(friday + timedelta(days=14))
    await one.tick()
    assert len(slack.fake.posted_to("C05GENERAL")) == 2


async def test_the_app_home_shows_this_weeks_figures_built_once_for_everyone(
        slack: Cairn) -> None:
    """The Home's week section: the company's figures and goals with bars, from one report
    built for the tenant and reused by the next person who opens their Home."""
    from tests.slack.test_shortcuts_home import home

    await setup_team(slack)
    await slack.answer("update #2 40% on track", user="U2")  # Bob, in New York
    shown = json.dumps(await home(slack), ensure_ascii=False)
    assert "📊 This week · Company" in shown and "Week of" in shown
    assert "*Completed*" in shown and "Grow revenue 20%" in shown and "▱" in shown
    assert slack.deps.reports is not None
    built = slack.deps.reports.glances.built
    await home(slack, "U2")
    assert slack.deps.reports.glances.built == built


async def test_homes_opened_at_the_same_moment_build_the_week_once(slack: Cairn) -> None:
    """Monday 09:00: many Homes are (re)published at once while the week's figures are not
    kept yet; they wait for one build instead of each building the company's report."""
    await setup_team(slack)
    assert slack.deps.reports is not None
    built = slack.deps.reports.glances.built
    await asyncio.gather(*(slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
                           for user in ("U1", "U2", "U3", "U1", "U2", "U3")))
    await slack.settle()
    published = [c.args["view"] for c in slack.fake.called("views.publish")]
    assert sum("📊 This week · Company" in json.dumps(v, ensure_ascii=False)
               for v in published) >= 3
    assert slack.deps.reports.glances.built == built + 1
