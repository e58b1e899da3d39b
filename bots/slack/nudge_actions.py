"""What the controls of a nudge do (see `render_nudges`): snooze it, mark a line done, open the
vacation or the settings form. Each runs the core's command as the person who clicked, once per
click (a double click is one), and shows the outcome where the click was: the DM is edited in
place ("⏰ Snoozed. It comes back tomorrow at 09:00.", "✅ Done: #3"). A refusal (someone
else's nudge, a viewer) is answered to the clicker alone, changes nothing, and can be tried
again.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from bots.slack import render, render_nudges
from bots.slack.ack import Reply
from bots.slack.front import SlackFrontEnd
from bots.slack.mrkdwn import escape
from bots.slack.shapes import whole_number
from core import commands as c
from core.bus import execute, failure
from core.errors import DomainError
from core.interactions.idempotency import AlreadyDone
from core.nudges.commands import SnoozeNudge
from core.nudges.snooze import SnoozeFor, SnoozePreset
from core.views import Notice, Tone, View

if TYPE_CHECKING:
    from bots.slack.actions import Click

logger = logging.getLogger(__name__)

R = TypeVar("R", bound=View)


async def _run_once(front: SlackFrontEnd, click: Click, command: c.Command[R]) -> R | None:
    """The command's answer, or None when there is nothing more to do (a repeat of the same
    click, or a refusal already answered)."""
    try:
        return await execute(replace(command, idempotency_key=click.key), front.deps)
    except AlreadyDone:
        pass  # the same click again
    except DomainError as error:
        await front.reply(click.inc, render.message(failure(error)))
    except Exception as error:
        reply = await front.unexpected(error, f"nudge action {click.action_id}")
        await front.reply(click.inc, reply.payload)
    return None


async def _show_in_place(front: SlackFrontEnd, click: Click, note: str, *,
                         whole_block: bool) -> None:
    """Edits the message clicked in (through its response_url), else answers the clicker."""
    message = click.message or {}
    blocks = render_nudges.clean(message.get("blocks"))
    here = any(b.get("block_id") == click.block_id for b in blocks)
    if here and click.inc.response_url:
        updated = render_nudges.after_click(blocks, click.block_id, click.action_id,
                                            escape(note), whole_block=whole_block)
        # The message's own text came back from Slack as it was sent (escaped already).
        payload = {"replace_original": True, "text": str(message.get("text") or escape(note)),
                   "blocks": updated}
        if await front.web.respond(click.inc.response_url, payload):
            return
    await front.reply(click.inc, render.message(Notice(text=note, tone=Tone.SUCCESS)))


async def snooze(front: SlackFrontEnd, click: Click) -> None:
    nudge, _, chosen = click.value.partition(" ")
    preset = next((p for p in SnoozePreset if p.value == chosen), None)
    nudge_id = whole_number(nudge, digits=18)
    if nudge_id is None or preset is None:
        logger.info("ignored a snooze of %r", click.value[:60])
        return
    actor = await front.actor(click.inc)
    if isinstance(actor, Reply):
        await front.reply(click.inc, actor.payload)
        return
    command = SnoozeNudge(actor=actor, nudge_id=nudge_id, snooze=SnoozeFor(preset=preset))
    answer = await _run_once(front, click, command)
    if answer is not None:
        await _show_in_place(front, click, f"⏰ {answer.text}", whole_block=False)


async def mark_done(front: SlackFrontEnd, click: Click) -> None:
    if click.number is None:
        return
    actor = await front.actor(click.inc)
    if isinstance(actor, Reply):
        await front.reply(click.inc, actor.payload)
        return
    command = c.MarkDone(actor=actor, milestone=c.MilestoneRef(number=click.number))
    answer = await _run_once(front, click, command)
    if answer is not None:
        done = answer.headline or f"Done: {answer.line.ref}"
        await _show_in_place(front, click, f"✅ {done} · {answer.line.title}", whole_block=True)


async def open_vacation(front: SlackFrontEnd, click: Click) -> None:
    actor = await front.actor(click.inc)
    if isinstance(actor, Reply):
        await front.reply(click.inc, actor.payload)
        return
    view = front.forms.vacation(click.inc, actor, home=click.on_home)
    await front.open_modal(click.inc, view, push=click.in_modal)


async def open_settings(front: SlackFrontEnd, click: Click) -> None:
    actor = await front.actor(click.inc)
    if isinstance(actor, Reply):
        await front.reply(click.inc, actor.payload)
        return
    try:
        view = await front.forms.settings(click.inc, actor, home=click.on_home)
    except DomainError as error:
        await front.reply(click.inc, render.message(failure(error)))
        return
    await front.open_modal(click.inc, view, push=click.in_modal)


ACTIONS = {
    render_nudges.SNOOZE: snooze,
    render_nudges.DONE: mark_done,
    render_nudges.VACATION: open_vacation,
    render_nudges.SETTINGS: open_settings,
}
