"""Buttons on Cairn's cards (`cards.submit`): `Action.Submit` arrives as a message whose
`value` holds the data, `Action.Execute` as an `adaptiveCard/action` invoke.

A click runs the core's command as the person who clicked, once: the click's key (the card's
rendering stamp, the verb and argument, and who clicked; the activity id when a card has no
stamp) is claimed before the command runs, so a double click or a retried delivery changes
nothing twice; the same key rides on the command as its `idempotency_key`, ready for the core
to claim it in the command's own unit of work. A refusal (someone else's nudge, a viewer) is
shown to the clicker alone (the invoke's answer, or their personal chat), releases the key so
the click can be tried again, and changes nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core import TurnContext

from bots.teams import render
from bots.teams.ports import ProcessedKeys
from core import commands as c
from core.bus import Deps, execute, failure
from core.errors import DomainError
from core.grammar.parser import parse
from core.humanize import local_today
from core.nudges.commands import SnoozeNudge
from core.nudges.snooze import SnoozeFor, SnoozePreset
from core.views import Notice, Tone, View

logger = logging.getLogger(__name__)

VERBS = frozenset({"run", "nudge.done", "snooze"})
MAX_ARG = 500
CARD = "application/vnd.microsoft.card.adaptive"
MESSAGE = "application/vnd.microsoft.activity.message"

#: Sends a view to a person's personal chat (None: Cairn has no way to reach them there).
TellPrivately = Callable[[c.Actor, View], Awaitable[bool]]


def click_data(value: Any) -> dict[str, str] | None:
    """The `cairn` part of a button's data, or None when it is not one of Cairn's buttons."""
    data = value.get("cairn") if isinstance(value, dict) else None
    if not isinstance(data, dict):
        return None
    found = {k: data.get(k) for k in ("verb", "arg", "stamp")}
    if not all(v is None or isinstance(v, str) for v in found.values()):
        return None
    if not found["verb"] or len(found["arg"] or "") > MAX_ARG or len(found["stamp"] or "") > 64:
        return None
    return {k: str(v or "") for k, v in found.items()}


class Clicks:
    def __init__(self, deps: Deps, keys: ProcessedKeys, tell_privately: TellPrivately) -> None:
        self.deps = deps
        self.keys = keys
        self.tell_privately = tell_privately

    def key(self, context: TurnContext, actor: c.Actor, data: dict[str, str]) -> str:
        what = (f"{data['stamp']}:{data['verb']}:{data['arg']}" if data["stamp"]
                else f"activity:{context.activity.id}")
        digest = hashlib.sha256(f"{actor.user_id}:{what}".encode()).hexdigest()[:40]
        return f"teams:{actor.tenant_id}:{digest}"

    def command(self, actor: c.Actor, data: dict[str, str], key: str) -> c.Command | None:
        verb, arg = data["verb"], data["arg"]
        if verb == "snooze":
            nudge, _, chosen = arg.partition(" ")
            preset = next((p for p in SnoozePreset if p.value == chosen), None)
            if not nudge.isdigit() or len(nudge) > 18 or preset is None:
                return None
            return SnoozeNudge(actor=actor, nudge_id=int(nudge), snooze=SnoozeFor(preset=preset),
                               idempotency_key=key)
        line = f"done {arg}" if verb == "nudge.done" else arg
        if verb not in VERBS or not line.strip():
            return None
        today = local_today(self.deps.clock.now(), actor.timezone)
        command = parse(line, actor=actor, today=today)
        return dataclasses.replace(command, idempotency_key=key)

    async def run(self, context: TurnContext, actor: c.Actor, data: dict[str, str]
                  ) -> View | None:
        """The command's answer; None for a repeat of a click already acted on. A refusal
        comes back as an error Notice, with the key released."""
        key = self.key(context, actor, data)
        try:
            command = self.command(actor, data, key)
        except DomainError as error:
            return failure(error)
        if command is None:
            return Notice(text="That button does not work any more.", tone=Tone.ERROR,
                          hint="type `help` to see what Cairn understands")
        if not await self.keys.claim_key(key, tenant_id=actor.tenant_id,
                                         at=self.deps.clock.now()):
            return None
        try:
            return await execute(command, self.deps)
        except DomainError as error:
            await self.keys.release_key(key)
            return failure(error)
        except Exception:
            await self.keys.release_key(key)
            raise

    async def on_submit(self, context: TurnContext, actor: c.Actor, data: dict[str, str]
                        ) -> None:
        view = await self.run(context, actor, data)
        if view is None:
            return
        refused = isinstance(view, Notice) and view.tone == Tone.ERROR
        conversation = getattr(context.activity.conversation, "conversation_type", None)
        if refused and conversation not in (None, "personal"):
            if not await self.tell_privately(actor, view):
                logger.info("a refused click in a shared conversation: the clicker has no "
                            "personal chat with Cairn to be told in")
            return
        await context.send_activity(Activity.model_validate(render.message(view)))

    async def on_execute(self, context: TurnContext, actor: c.Actor, data: dict[str, str]
                         ) -> dict[str, Any]:
        view = await self.run(context, actor, data)
        if view is None:
            return self.toast("Already done.")
        if isinstance(view, Notice) and view.tone == Tone.ERROR:
            return self.toast(view.text)
        return {"statusCode": 200, "type": CARD, "value": render.card(view)}

    @staticmethod
    def toast(text: str) -> dict[str, Any]:
        """An answer only the clicker sees."""
        return {"statusCode": 200, "type": MESSAGE, "value": text[:500]}

