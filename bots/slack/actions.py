"""Buttons and menus: one dispatch table from action id to what the click does.

An element's action id names the kind of action (`cairn.run`, `cairn.checkin`, ...; anything
after a `:` only keeps ids unique within a block) and its value the argument: a line of the
shared grammar for `cairn.run`, a milestone number for the forms. An overflow menu's options
carry `<action id> <value>` and are dispatched like buttons; another select's value is its
chosen option's. Adding a button is one renderer change and one entry here (the nudges' own
controls are in `nudge_actions`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from bots.slack import nudge_actions, render
from bots.slack.ack import Modal, Reply
from bots.slack.front import SlackFrontEnd, click_key
from bots.slack.incoming import Incoming, incoming
from bots.slack.shapes import whole_number
from core import commands as c
from core.bus import execute, failure
from core.errors import DomainError
from core.views import MilestoneCard

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Click:
    """One click, as the handlers need it."""

    inc: Incoming
    value: str
    key: str
    surface: str  # "message", "home" or "modal"
    ephemeral: bool = False
    action_id: str = ""
    block_id: str = ""
    #: The message clicked in, as the payload carries it (`text`, `blocks`), to edit in place.
    message: dict[str, Any] | None = None

    @property
    def on_home(self) -> bool:
        return self.surface == "home"

    @property
    def in_modal(self) -> bool:
        return self.surface == "modal"

    @property
    def number(self) -> int | None:
        text = self.value.strip().lstrip("#")
        return whole_number(text)


Handler = Callable[[SlackFrontEnd, Click], Coroutine[Any, Any, None]]


async def run_line(front: SlackFrontEnd, click: Click) -> None:
    """Runs the value as a line of the grammar; the answer replaces the message it came from
    (an ephemeral one), goes to the clicker alone (a channel card, which the thread updates),
    or refreshes the App Home."""
    actor = await front.actor(click.inc)
    if isinstance(actor, Reply):
        await front.reply(click.inc, actor.payload)
        return
    # The click's stamp is the command's idempotency key: the same button of the same
    # rendering, clicked again, changes nothing and says nothing; a refusal claims nothing.
    answer = await front.answer(click.inc, actor, click.value, key=click.key)
    if isinstance(answer, Modal):
        await front.open_modal(click.inc, answer.view)
        return
    if answer.repeat:
        return
    if click.on_home:
        if not answer.ok:
            await front.reply(click.inc, answer.payload)
        await front.home.publish(click.inc.speaker, click.inc.client)
        return
    await front.reply(click.inc, answer.payload, replace=click.ephemeral)


async def _form(front: SlackFrontEnd, click: Click, make: str) -> None:
    actor = await front.actor(click.inc)
    if isinstance(actor, Reply):
        await front.reply(click.inc, actor.payload)
        return
    number = click.number
    forms, home = front.forms, click.on_home
    try:
        if make == "new":
            view = await forms.new(click.inc, actor, home=home)
        elif number is None:
            return
        elif make == "checkin":
            view = await forms.check_in(click.inc, actor, number, home=home)
        elif make == "edit":
            view = await forms.edit(click.inc, actor, number, home=home)
        else:
            view = await forms.comment(click.inc, actor, number, home=home)
    except DomainError as error:
        await front.reply(click.inc, render.message(failure(error)))
        return
    await front.open_modal(click.inc, view, push=click.in_modal)


async def open_checkin(front: SlackFrontEnd, click: Click) -> None:
    await _form(front, click, "checkin")


async def open_edit(front: SlackFrontEnd, click: Click) -> None:
    await _form(front, click, "edit")


async def open_comment(front: SlackFrontEnd, click: Click) -> None:
    await _form(front, click, "comment")


async def open_new(front: SlackFrontEnd, click: Click) -> None:
    await _form(front, click, "new")


async def open_details(front: SlackFrontEnd, click: Click) -> None:
    actor = await front.actor(click.inc)
    if isinstance(actor, Reply) or click.number is None:
        return
    try:
        view = await execute(c.ShowMilestone(actor=actor,
                                             milestone=c.MilestoneRef(number=click.number)),
                             front.deps)
    except DomainError as error:
        await front.reply(click.inc, render.message(failure(error)))
        return
    assert isinstance(view, MilestoneCard)
    await front.open_modal(click.inc, render.card_modal(view), push=click.in_modal)


async def home_page(front: SlackFrontEnd, click: Click) -> None:
    page = whole_number(click.value) or 1
    await front.home.publish(click.inc.speaker, click.inc.client, page=min(page, 10_000))


ACTIONS: dict[str, Handler] = {
    "cairn.run": run_line,
    "cairn.checkin": open_checkin,
    "cairn.edit": open_edit,
    "cairn.comment": open_comment,
    "cairn.new": open_new,
    "cairn.details": open_details,
    "cairn.home.page": home_page,
    **nudge_actions.ACTIONS,
}
MENU = "cairn.more"


async def on_action(front: SlackFrontEnd, ack: Callable[..., Awaitable[Any]],
                    body: dict[str, Any], context: Any) -> None:
    await ack()
    inc = incoming(body, context)
    action = (body.get("actions") or [{}])[0]
    action_id = str(action.get("action_id") or "")
    value = str(action.get("value") or "")
    chosen = str((action.get("selected_option") or {}).get("value") or "")
    if action_id.split(":")[0] == MENU:
        action_id, _, value = chosen.partition(" ")
    elif chosen:
        value = chosen
    handler = ACTIONS.get(action_id.split(":")[0])
    if inc is None or handler is None:
        logger.info("ignored Slack action %r", action_id[:80])
        return
    container = body.get("container") or {}
    surface = str((body.get("view") or {}).get("type") or "message")
    message = body.get("message")
    click = Click(inc=inc, value=value[:2000], key=click_key(body, action, value),
                  surface=surface if surface in ("home", "modal") else "message",
                  ephemeral=bool(container.get("is_ephemeral")), action_id=action_id,
                  block_id=str(action.get("block_id") or ""),
                  message=message if isinstance(message, dict) else None)
    front.spawn(inc, handler(front, click), f"action {action_id[:40]!r}")
