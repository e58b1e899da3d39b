"""A submitted form lands whole or not at all: its changes run in one unit of work, keyed by the
view's id, so a refusal of any part changes nothing and a second submit changes nothing twice."""

from __future__ import annotations

from typing import Any

from storage import Database
from tests.slack import payloads
from tests.slack.conftest import POSTGRES, Cairn
from tests.slack.test_commands import setup_team
from tests.slack.test_forms import (
    day,
    milestone,
    milestone_values,
    number,
    opened,
    submit,
    text,
)
from tests.slack.test_reliability import count

EVERYTHING = ("SELECT (SELECT COUNT(*) FROM activity) + (SELECT COUNT(*) FROM outbox) "
              "+ (SELECT COUNT(*) FROM notifications) + (SELECT COUNT(*) FROM idempotency_keys)")


async def edit_form(slack: Cairn, number_: int) -> dict[str, Any]:
    await slack.interact(payloads.block_action("cairn.edit", f"#{number_}", user_id="U1",
                                               team_id="T1",
                                               response_url=slack.fake.response_url()))
    await slack.settle()
    return opened(slack)


@POSTGRES
async def test_an_edit_whose_fourth_change_is_refused_changes_nothing(
        slack: Cairn, database: Database) -> None:
    await setup_team(slack)
    await slack.answer("done #3")
    form = await edit_form(slack, 3)
    await slack.settle()
    before = await milestone(database, 3)
    written = await count(database, EVERYTHING)
    # Moved under #1, renamed, a due date, then a criterion, which a closed task refuses.
    parent = {"cairn.parent": {"type": "external_select", "selected_option": {"value": "#1"}}}
    answer = await submit(slack, form, milestone_values(
        title=text("Renamed"), kind=choice_task(), parent=parent, due=day("2026-12-10"),
        crit_metric=text("Pages"), crit_start=number("0"), crit_target=number("10")),
        view_id="VPARTIAL")
    assert "done" in answer["errors"]["crit_metric"].lower(), answer
    after = await milestone(database, 3)
    assert after == before  # not moved, not renamed, no due date
    assert await count(database, EVERYTHING) == written  # no activity, outbox row or claim
    # The same form, corrected, goes through whole: the refusal claimed nothing.
    answer = await submit(slack, form, milestone_values(
        title=text("Renamed"), kind=choice_task(), parent=parent, due=day("2026-12-10")),
        view_id="VPARTIAL")
    assert answer == {}
    after = await milestone(database, 3)
    one = await milestone(database, 1)
    assert (after["title"], after["parent_id"], str(after["due_date"])) == (
        "Renamed", one["id"], "2026-12-10")
    # Submitted once more (Slack retrying the same view): nothing twice.
    await submit(slack, form, milestone_values(title=text("Renamed again"), kind=choice_task()),
                 view_id="VPARTIAL")
    assert (await milestone(database, 3))["title"] == "Renamed"


def choice_task() -> dict[str, Any]:
    return {"value": {"type": "static_select", "selected_option": {"value": "task"}}}
