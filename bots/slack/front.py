"""What each kind of Slack request does. Every path acks within the ack budget, before slow work
(the states a request goes through are explained once, in `bots.slack.ack`).

A command runs its database work at once and, if the answer is ready within the budget, the
answer rides in the ack itself. Anything that needs Slack's Web API first (a person never seen,
a form to open, a message to post) is acked immediately and done afterwards, answering through
`response_url`. Buttons are acked before anything else. A submitted form is checked within the
budget so that wrong input comes back as field errors; nothing is saved unless it is valid.

Forms are opened and submitted in `form_flow` (`front.forms`), shortcuts in `shortcuts`
(`front.shortcuts`), buttons in `actions` and `nudge_actions`.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Coroutine
from dataclasses import replace
from typing import Any, TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError

from bots.slack import render, uploads
from bots.slack.ack import (
    Answer,
    Modal,
    Renderings,
    Reply,
    ack_command,
    ack_now,
    within_budget,
)
from bots.slack.background import BackgroundWork
from bots.slack.failures import Failures
from bots.slack.form_flow import SlackForms
from bots.slack.forms import Origin
from bots.slack.home import HomePublisher
from bots.slack.incoming import NOT_SET_UP, Ack, Incoming, Line, incoming
from bots.slack.people import People, identity_prefix
from bots.slack.ports import ProcessedKeys, SlackMembers
from bots.slack.shortcuts import Shortcuts
from bots.slack.web import SlackWeb
from core import commands as c
from core.bus import Deps, execute, failure
from core.errors import DomainError
from core.grammar.parser import parse
from core.humanize import local_today
from core.interactions.idempotency import AlreadyDone
from core.nudges.commands import ShowReminderSettings
from core.reports.views import ReportFile
from core.views import Notice, ProfileView, Tone

logger = logging.getLogger(__name__)

T = TypeVar("T")
Payload = dict[str, Any]


class SlackFrontEnd:
    def __init__(self, *, deps: Deps, people: People, members: SlackMembers,
                 keys: ProcessedKeys, web: SlackWeb, background: BackgroundWork,
                 home: HomePublisher, failures: Failures | None = None,
                 ack_budget: float = 1.0) -> None:
        self.deps = deps
        self.renderings = Renderings()
        self.people = people
        self.forms = SlackForms(self, members)
        self.shortcuts = Shortcuts(self)
        self.keys = keys
        self.web = web
        self.background = background
        self.home = home
        self.failures = failures or Failures()
        self.ack_budget = ack_budget

    # --- helpers ----------------------------------------------------------------------------

    async def within_budget(self, work: Coroutine[Any, Any, T]) -> asyncio.Future[T] | T:
        """The result if ready within the ack budget, else the still-running future."""
        return await within_budget(work, self.ack_budget)

    def spawn(self, inc: Incoming | None, work: Coroutine[Any, Any, Any], what: str, *,
              replace: bool = False) -> None:
        """Work after the ack; if it fails, the person who asked is told (`inc`, when there is
        someone to tell; `replace`: instead of the message that said "working on it") and the
        log gets one line, or a traceback for a bug."""

        async def told() -> None:
            try:
                await work
            except Exception as error:
                diagnosis = await self.failures.diagnose(error, what)
                if inc is not None:
                    await self.reply(inc, render.message(Notice(text=diagnosis.text,
                                                                tone=Tone.ERROR)),
                                     replace=replace)

        self.background.spawn(told(), what)

    async def claim(self, key: str, inc: Incoming) -> bool:
        return await self.keys.claim_key(key, tenant_id=inc.speaker.tenant_id,
                                         at=self.deps.clock.now())

    async def reply(self, inc: Incoming, payload: Payload, *, replace: bool = False) -> None:
        """An ephemeral answer where the request came from (a DM when there is no channel)."""
        if inc.response_url:
            message = {**payload, "response_type": "ephemeral", "replace_original": replace}
            if await self.web.respond(inc.response_url, message):
                return
        try:
            if inc.channel_id:
                await inc.client.chat_postEphemeral(channel=inc.channel_id,
                                                    user=inc.speaker.user_id, **payload)
            else:
                await inc.client.chat_postMessage(channel=inc.speaker.user_id, **payload)
        except SlackApiError as error:
            logger.warning("could not answer %s: %s", inc.speaker.user_id,
                           error.response.get("error"))
        except (aiohttp.ClientError, TimeoutError) as error:
            logger.warning("could not answer %s: Slack did not answer (%s)",
                           inc.speaker.user_id, type(error).__name__)

    def at_origin(self, inc: Incoming, origin: Origin) -> Incoming:
        """Where a form's outcome goes: where the form was opened (a DM from the App Home)."""
        return Incoming(speaker=inc.speaker, client=inc.client, channel_id=origin.channel_id,
                        response_url=origin.response_url)

    async def deliver(self, inc: Incoming, origin: Origin, payload: Payload) -> None:
        """The outcome of a form, back where the form was opened."""
        if origin.home:
            await self.home.publish(inc.speaker, inc.client)
            return
        await self.reply(self.at_origin(inc, origin), payload)

    async def open_modal(self, inc: Incoming, view: Payload, *, push: bool = False) -> None:
        try:
            if push:
                await inc.client.views_push(trigger_id=inc.trigger_id, view=view)
            else:
                await inc.client.views_open(trigger_id=inc.trigger_id, view=view)
        except SlackApiError as error:
            code = error.response.get("error")
            logger.warning("could not open a form: %s", code)
            text = ("The form took too long to open; try again." if code == "expired_trigger_id"
                    else "Slack would not open the form; try again.")
            await self.reply(inc, render.message(Notice(text=text, tone=Tone.ERROR)))
        except (aiohttp.ClientError, TimeoutError) as error:
            logger.warning("could not open a form: Slack did not answer (%s)",
                           type(error).__name__)
            await self.reply(inc, render.message(Notice(
                text="Slack took too long to open the form; try again.", tone=Tone.ERROR)))

    async def unexpected(self, error: Exception, what: str) -> Reply:
        """A failure nobody planned for, logged once and told as it is (a database out of
        reach, Slack not answering, or a bug with its reference)."""
        diagnosis = await self.failures.diagnose(error, what)
        return Reply(render.message(Notice(text=diagnosis.text, tone=Tone.ERROR)), ok=False)

    async def actor(self, inc: Incoming) -> c.Actor | Reply:
        try:
            return await self.people.actor(inc.speaker, inc.client)
        except DomainError as error:
            return Reply(render.message(failure(error)), ok=False)

    # --- the slash command --------------------------------------------------------------------

    async def on_command(self, ack: Ack, body: dict[str, Any], context: Any) -> None:
        inc = incoming(body, context)
        if inc is None:
            await ack(text=NOT_SET_UP)
            return
        line = Line.of(str(body.get("text") or ""))
        outcome = await self.within_budget(self._answer_at_once(inc, line))
        await ack_command(
            ack, outcome,
            late=lambda pending: self.spawn(inc, self._send_when_done(inc, line, pending),
                                            "slow command", replace=True),
            handed_on=lambda: self.spawn(inc, self._command_later(inc, line), "slash command"),
            open_form=lambda form: self.spawn(inc, self.open_modal(inc, form.view), "open form"))

    async def _answer_at_once(self, inc: Incoming, line: Line) -> Answer | None:
        """The answer, unless someone in the request must be looked up in Slack first."""
        s = inc.speaker
        actor = await self.people.known(s.tenant_id, s.team_id, s.user_id)
        if actor is None or await self.people.unknown_mentions(s.tenant_id, s.team_id,
                                                                line.as_sent):
            return None
        return await self.answer(inc, actor, line.text)

    async def _command_later(self, inc: Incoming, line: Line) -> None:
        actor = await self.actor(inc)
        if isinstance(actor, Reply):
            await self.reply(inc, actor.payload)
            return
        s = inc.speaker
        problems = await self.people.provision_mentions(s.tenant_id, s.team_id, line.as_sent,
                                                        inc.client)
        if problems:
            notice = Notice(text=problems[0], tone=Tone.ERROR,
                            hint="nothing was changed; mention people Slack knows")
            await self.reply(inc, render.message(notice))
            return
        await self._send(inc, await self.answer(inc, actor, line.text))

    async def _send_when_done(self, inc: Incoming, line: Line,
                              pending: asyncio.Future[Answer | None]) -> None:
        answer = await pending
        if answer is None:
            await self._command_later(inc, line)
        else:
            await self._send(inc, answer, replace=True)  # in place of "Working on it…"

    async def _send(self, inc: Incoming, answer: Answer, *, replace: bool = False) -> None:
        if isinstance(answer, Modal):
            await self.open_modal(inc, answer.view)
        else:
            await self.reply(inc, answer.payload, replace=replace)

    async def answer(self, inc: Incoming, actor: c.Actor, text: str, *, key: str | None = None
                     ) -> Answer:
        """A line of the shared grammar, answered: a message, or a form to open. `key` makes
        the command idempotent (a click's stamp): a repeat answers a `Reply` with `repeat`."""
        try:
            today = local_today(self.deps.clock.now(), actor.timezone)
            command = parse(text, actor=actor, today=today,
                            identity_prefix=identity_prefix(inc.speaker.team_id))
            if key is not None:
                command = replace(command, idempotency_key=key)
            if command.takes_a_while:
                ack_now()  # "Working on it…" now; the answer follows through response_url
            if isinstance(command, c.OpenNewForm):
                return Modal(await self.forms.new(inc, actor, title=command.title,
                                                  kind=command.kind))
            if isinstance(command, c.OpenCheckIn) and command.milestone.number is not None:
                return Modal(await self.forms.check_in(inc, actor, command.milestone.number))
            if isinstance(command, ShowReminderSettings):
                return Modal(await self.forms.settings(inc, actor))
            view = await execute(command, self.deps)
        except AlreadyDone as repeat:
            return Reply(render.message(failure(repeat)), repeat=True)
        except DomainError as error:
            return Reply(render.message(failure(error)), ok=False)
        except Exception as error:
            return await self.unexpected(error, f"command {text[:80]!r}")
        if isinstance(view, ReportFile):
            view = await uploads.share(inc.client, view, channel=inc.channel_id,
                                       user_id=inc.speaker.user_id)
        if isinstance(view, ProfileView) and view.headline and view.person.is_you:
            self.people.forget(inc.speaker.tenant_id, inc.speaker.team_id, inc.speaker.user_id)
        ok = not (isinstance(view, Notice) and view.tone == Tone.ERROR)
        return Reply(self.renderings.message(view), ok=ok)

    # --- events ---------------------------------------------------------------------------------

    async def on_home_opened(self, body: dict[str, Any], event: dict[str, Any],
                             context: Any) -> None:
        inc = incoming(body, context)
        if inc is None or event.get("tab") != "home":
            return
        # Nobody to tell if this fails: the person only opened a tab.
        self.spawn(None, self._home_once(inc, f"event:{body.get('event_id')}"), "App Home")

    async def _home_once(self, inc: Incoming, key: str) -> None:
        if await self.claim(key, inc):  # else a retry of an event already handled
            await self.home.publish(inc.speaker, inc.client)


def click_key(body: dict[str, Any], action: dict[str, Any], value: str) -> str:
    """One click on one rendering of one button: a double click yields the same key."""
    container = body.get("container") or {}
    where = str(container.get("message_ts") or container.get("view_id") or "")
    raw = "|".join([str((body.get("team") or {}).get("id") or ""),
                    str((body.get("user") or {}).get("id") or ""), where,
                    str(action.get("block_id") or ""), str(action.get("action_id") or ""),
                    value])
    return "click:" + hashlib.sha256(raw.encode()).hexdigest()[:40]

