"""What each kind of Teams activity does (the SDK's agent: `on_turn`).

- A message is a line of the shared grammar (`@Cairn list mine` in a channel or group chat:
  the bot's mention is stripped; other `<at>` mentions become people), answered with an
  Adaptive Card in the same conversation (in a channel: in the thread).
- A message carrying card data (`Action.Submit`) or an `adaptiveCard/action` invoke
  (`Action.Execute`) is a button click (`clicks`).
- `task/fetch` / `task/submit`: the core's forms as task modules (`task_modules`).
- `conversationUpdate` / `installationUpdate` store the conversation's reference when the app
  is added, and forget it when the app is removed.

Every activity from a person stores the reference of where it came from, so proactive
messages go through the latest one. Expected failures are cards; anything else is logged with
a reference and the person gets the same short apology as on Slack.
"""

from __future__ import annotations

import html
import json
import logging
import re
import secrets
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes, InvokeResponse
from microsoft_agents.hosting.core import TurnContext

from bots.teams import render, render_forms
from bots.teams.activity import teams_tenant
from bots.teams.cache import TimedCache
from bots.teams.clicks import Clicks, click_data
from bots.teams.people import Person, TeamsPeople, identity_prefix
from bots.teams.ports import ConversationReferences
from bots.teams.task_modules import TaskModules
from core.bus import Deps, failure, run_text
from core.commands import Actor
from core.errors import DomainError
from core.model import TenantId
from core.views import Notice, Tone, View

logger = logging.getLogger(__name__)

SAVED_TTL_S = 600.0
AT_TAG = re.compile(r"<at[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)
HTML_TAG = re.compile(r"<[^>]{0,200}>")
PLACEHOLDER = re.compile(r"\x00(\d{1,3})\x00")


def kind_of(activity: Activity) -> str:
    conversation = activity.conversation
    return str(getattr(conversation, "conversation_type", None) or "personal")


def person_of(activity: Activity, tenant: str) -> Person | None:
    sender = activity.from_property
    aad = getattr(sender, "aad_object_id", None) if sender else None
    if sender is None or not aad:
        return None
    return Person(teams_tenant_id=tenant, aad_object_id=str(aad), account_id=str(sender.id or ""),
                  name=str(sender.name or ""), timezone=str(activity.local_timezone or ""))


def reference_of(activity: Activity) -> dict[str, Any]:
    found: dict[str, Any] = activity.get_conversation_reference().model_dump(
        mode="json", by_alias=True, exclude_none=True)
    found.pop("activityId", None)
    return found


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def reply_of(view: View) -> Activity:
    return Activity.model_validate(render.message(view))


class CairnAgent:
    """The Teams front end's turn handler."""

    def __init__(self, *, deps: Deps, people: TeamsPeople, references: ConversationReferences,
                 clicks: Clicks) -> None:
        self.deps = deps
        self.people = people
        self.references = references
        self.clicks = clicks
        self.forms = TaskModules(deps)
        self._saved: TimedCache[tuple[int, int, str], bool] = TimedCache(50_000, SAVED_TTL_S)

    async def on_turn(self, context: TurnContext) -> None:
        activity = context.activity
        kind = activity.type
        if kind in (ActivityTypes.conversation_update, ActivityTypes.installation_update):
            await self._installation(context)
        elif kind == ActivityTypes.message:
            await self._message(context)
        elif kind == ActivityTypes.invoke:
            await self._invoke(context)

    # --- who and where ----------------------------------------------------------------------

    async def speaker(self, context: TurnContext) -> tuple[TenantId, Actor, str] | None:
        """The Cairn tenant and user behind the activity, with the reference saved."""
        activity = context.activity
        tenant = teams_tenant(activity)
        person = person_of(activity, tenant)
        if not tenant or person is None:
            return None
        tenant_id = await self.people.tenant_of(tenant)
        if tenant_id is None:
            return None
        actor = await self.people.actor(tenant_id, person, self.roster(context))
        await self.remember(tenant_id, tenant, activity, actor)
        return tenant_id, actor, tenant

    async def remember(self, tenant_id: TenantId, tenant: str, activity: Activity,
                       actor: Actor | None) -> None:
        reference, now = reference_of(activity), self.deps.clock.now()
        kind = kind_of(activity)
        # The same reference saved a moment ago is not written again on every message.
        seen = (tenant_id, actor.user_id if actor else 0, json.dumps(reference, sort_keys=True))
        if self._saved.get(seen) is not None:
            return
        if kind == "personal":
            person = person_of(activity, tenant)
            if actor is not None and person is not None:
                await self.references.save_personal_reference(
                    tenant_id, actor.user_id, teams_tenant_id=tenant,
                    aad_object_id=person.aad_object_id, reference=reference, at=now)
        elif kind == "channel" or kind == "groupChat":
            data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
            team = _object(data.get("team"))
            channel = _object(data.get("channel"))
            await self.references.save_conversation_reference(
                tenant_id, teams_tenant_id=tenant, conversation_id=str(activity.conversation.id),
                kind="channel" if kind == "channel" else "groupChat", reference=reference,
                at=now, team_id=str(team.get("id") or "")[:255],
                name=str(channel.get("name") or team.get("name") or ""))
        else:
            return
        self._saved.put(seen, True)

    def roster(self, context: TurnContext) -> Any:
        async def lookup(member_id: str) -> dict[str, Any] | None:
            client: Any = context.turn_state.get("ConnectorClient")
            if client is None or not member_id:
                return None
            try:
                member = await client.conversations.get_conversation_member(
                    str(context.activity.conversation.id), member_id)
            except Exception as error:  # the roster is a nicety: a name hint is enough
                logger.info("no roster entry for a Teams member: %s", type(error).__name__)
                return None
            found: dict[str, Any] = member.model_dump(by_alias=True, exclude_none=True)
            return found

        return lookup

    # --- messages ---------------------------------------------------------------------------

    async def _message(self, context: TurnContext) -> None:
        activity = context.activity
        data = click_data(activity.value)
        try:
            found = await self.speaker(context)
            if found is None:
                return
            tenant_id, actor, tenant = found
            if data is not None:
                await self.clicks.on_submit(context, actor, data)
                return
            line = await self.line(context, tenant_id, tenant)
            if (opener := self.forms.opener(line, actor)) is not None:
                await context.send_activity(Activity.model_validate(opener))
                return
            view = await run_text(line, actor, self.deps, identity_prefix=identity_prefix(tenant))
        except DomainError as error:
            view = failure(error)
        await context.send_activity(reply_of(view))

    async def line(self, context: TurnContext, tenant_id: TenantId, tenant: str) -> str:
        """The message's text as a grammar line: the bot's mention gone, people's mentions as
        `<@aad|Name>` (joining those never seen), Teams' HTML undone."""
        activity = context.activity
        text = (activity.text or "").replace("\x00", "")
        bot_id = str(activity.recipient.id) if activity.recipient else ""
        roster = self.roster(context)
        people: list[str] = []  # each mention stands in the text as \x00<index>\x00
        for mention in activity.get_mentions():
            mentioned = getattr(mention, "mentioned", None)
            said = str(getattr(mention, "text", "") or "")
            if mentioned is None or not said:
                continue
            if str(mentioned.id or "") == bot_id:
                text = text.replace(said, " ")
                continue
            if str(mentioned.id or "").startswith("19:"):  # a channel: a milestone's home
                label = "-".join(str(mentioned.name or "channel").split())[:60]
                people.append(f"<#{str(mentioned.id).split(';')[0]}|{label}>")
                text = text.replace(said, f"\x00{len(people) - 1}\x00")
                continue
            member = await roster(str(mentioned.id or "")) or {}
            aad = str(member.get("aadObjectId") or getattr(mentioned, "aad_object_id", "") or "")
            if not aad:
                continue
            name = str(member.get("name") or mentioned.name or "someone")
            person = Person(teams_tenant_id=tenant, aad_object_id=aad,
                            account_id=str(mentioned.id or ""), name=name)
            # Labelled with the handle: the grammar reads a mention as one word.
            joined = await self.people.actor(tenant_id, person, roster)
            people.append(f"<@{aad}|{joined.handle}>")
            text = text.replace(said, f"\x00{len(people) - 1}\x00")
        text = AT_TAG.sub(lambda m: m.group(1), text.replace("<br>", "\n"))
        # What people typed never becomes a mention: only Teams' mention entities do.
        text = html.unescape(HTML_TAG.sub(" ", text)).replace("<@", "< @")
        text = PLACEHOLDER.sub(lambda m: people[int(m.group(1))], text)
        return text.replace("\x00", "").strip() or "help"

    # --- invokes ----------------------------------------------------------------------------

    async def _invoke(self, context: TurnContext) -> None:
        activity = context.activity
        name = activity.name or ""
        value = activity.value if isinstance(activity.value, dict) else {}
        if name == "adaptiveCard/action":
            action = _object(value.get("action"))
            body = await self._execute(context, click_data(action.get("data")))
        elif name in ("task/fetch", "task/submit"):
            body = await self._task(context, name, _object(value.get("data")))
        else:
            body = None
        await context.send_activity(Activity(
            type=ActivityTypes.invoke_response,
            value=InvokeResponse(status=200 if body is not None else 501, body=body)))

    async def _execute(self, context: TurnContext, data: dict[str, str] | None
                       ) -> dict[str, Any]:
        try:
            found = await self.speaker(context)
            if found is None or data is None:
                return self.clicks.toast("That button does not work here.")
            return await self.clicks.on_execute(context, found[1], data)
        except DomainError as error:
            return self.clicks.toast(failure(error).text)

    async def _task(self, context: TurnContext, name: str, raw: dict[str, Any]
                    ) -> dict[str, Any]:
        data = click_data(raw)
        try:
            found = await self.speaker(context)
            if found is None or data is None:
                return render_forms.closed("That button does not work here.")
            answer = await (self.forms.fetch(found[1], data) if name == "task/fetch" else
                            self.forms.submit(found[1], data, raw, tenant=found[2],
                                              key=f"teams:{context.activity.id}"))
        except DomainError as error:
            return render_forms.closed(failure(error).text)
        if answer.view is not None:
            await context.send_activity(reply_of(answer.view))
        return answer.body

    # --- installation -----------------------------------------------------------------------

    async def _installation(self, context: TurnContext) -> None:
        activity = context.activity
        tenant = teams_tenant(activity)
        if not tenant:
            return
        bot_id = str(activity.recipient.id) if activity.recipient else ""
        added = any(str(m.id) == bot_id for m in activity.members_added or [])
        removed = any(str(m.id) == bot_id for m in activity.members_removed or [])
        action = str(activity.action or "")
        self._saved.clear()  # installed or removed somewhere: every reference is saved afresh
        if removed or action.startswith("remove"):
            gone = await self.references.forget_conversation(tenant, str(activity.conversation.id))
            logger.info("Teams: the app was removed from a conversation (%d references gone)",
                        gone)
            return
        if not (added or action.startswith("add")):
            return
        tenant_id = await self.people.tenant_of(tenant)
        if tenant_id is None:
            return
        actor = None
        if kind_of(activity) == "personal" and person_of(activity, tenant) is not None:
            actor = await self.people.actor(tenant_id, person_of(activity, tenant),  # type: ignore[arg-type]
                                            self.roster(context))
        await self.remember(tenant_id, tenant, activity, actor)
        await context.send_activity(reply_of(Notice(
            text="Hi, I'm Cairn: I track goals, milestones and tasks here.", tone=Tone.INFO,
            hint="`help` · `list mine` · `milestone \"Title\" due:friday`")))


async def on_turn_error(context: TurnContext, error: Exception) -> None:
    """Replaces the SDK's handler, which tells people the exception's text."""
    ref = secrets.token_hex(2)
    logger.error("Teams turn failed (ref %s): %s activity", ref, context.activity.type,
                 exc_info=error)
    if context.activity.type == ActivityTypes.invoke:
        return  # the invoke is answered 500 by the SDK; a message would be a second answer
    try:
        await context.send_activity(Activity.model_validate(render.sorry(ref)))
    except Exception as failed:  # the connector is the likely cause: the log has it
        logger.warning("could not apologise in Teams (ref %s): %s", ref, type(failed).__name__)
