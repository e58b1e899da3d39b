"""A local fake of the Bot Connector (Teams' v3 conversations API), over real HTTP.

It answers what the Agents SDK's `ConnectorClient` calls, at an activity's `serviceUrl`
(`http://127.0.0.1:<port>/amer/`, with a path like Teams' own `https://smba.trafficmanager.net/
amer/`, so code that drops the path fails here too):

    POST   v3/conversations                                 create (a personal chat with a user)
    POST   v3/conversations/{id}/activities                 send to a conversation
    POST   v3/conversations/{id}/activities/{activityId}    reply (in a channel: in the thread)
    PUT    v3/conversations/{id}/activities/{activityId}    update
    DELETE v3/conversations/{id}/activities/{activityId}    delete
    GET    v3/conversations/{id}/members[/{memberId}]       the roster, or one member
    GET    v3/conversations/{id}/pagedmembers               the roster, a page at a time

It records every call (`calls`), keeps what was posted per conversation (`activities_in`),
refuses an activity Teams would refuse (400: a card over 28 KB or not valid Adaptive Card 1.5
in the basics, see `tests.teams.adaptive_cards`), answers 403 where the bot was removed
(uninstalled) and 404 for a conversation, activity or member it does not know, checks the
bearer token when told which ones are good (`require_tokens`), and can be told to fail:
`fail("send", status=429, retry_after=3)`, 412, 502, 504, 403, 404, or to be slow
(`fail("send", delay=2.0, status=None)` answers normally after two seconds).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
from collections import deque
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.teams.adaptive_cards import activity_problems

PREFIX = "/amer/"
KINDS = ("create", "send", "reply", "update", "delete", "members", "member", "pagedmembers")


@dataclass
class Call:
    kind: str
    method: str
    path: str
    conversation_id: str = ""
    activity_id: str = ""
    body: Any = None
    authorization: str | None = None
    status: int = 200
    answer: Any = None


@dataclass
class Failure:
    status: int | None
    retry_after: int | None
    delay: float
    code: str


@dataclass
class Member:
    """A Teams user as the connector's roster describes them."""

    id: str  # "29:..." the channel account id
    aad_object_id: str
    name: str
    email: str
    tenant_id: str
    given_name: str = ""
    surname: str = ""
    role: str = "user"

    def account(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "aadObjectId": self.aad_object_id,
                "email": self.email, "userPrincipalName": self.email,
                "givenName": self.given_name or self.name.split()[0],
                "surname": self.surname, "tenantId": self.tenant_id, "userRole": self.role}


@dataclass
class Conversation:
    id: str
    kind: str  # "personal", "channel" or "groupChat"
    tenant_id: str
    members: list[str]  # member ids
    bot_installed: bool = True
    activities: dict[str, dict[str, Any]] = field(default_factory=dict)


class FakeConnector:
    def __init__(self, *, bot_id: str = "28:cairn-bot") -> None:
        self.bot_id = bot_id
        self.calls: list[Call] = []
        self.members: dict[str, Member] = {}
        self.conversations: dict[str, Conversation] = {}
        self.failures: dict[str, deque[Failure]] = {}
        self.tokens: Callable[[str], bool] | None = None
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- set-up ---------------------------------------------------------------------------------

    @property
    def service_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PREFIX}"

    def add_member(self, name: str, *, tenant_id: str, email: str = "",
                   aad_object_id: str | None = None) -> Member:
        aad = aad_object_id or secrets.token_hex(16)
        member = Member(id=f"29:{secrets.token_hex(12)}", aad_object_id=aad, name=name,
                        email=email or f"{name.split()[0].lower()}@{tenant_id[:8]}.example",
                        tenant_id=tenant_id)
        self.members[member.id] = member
        return member

    def personal_chat(self, member: Member) -> Conversation:
        """The bot's 1:1 chat with a member (it exists once the app is installed for them)."""
        for conversation in self.conversations.values():
            if conversation.kind == "personal" and conversation.members == [member.id]:
                return conversation
        return self._conversation("personal", member.tenant_id, [member.id],
                                  f"a:{secrets.token_hex(20)}")

    def channel(self, tenant_id: str, members: Collection[Member]) -> Conversation:
        return self._conversation("channel", tenant_id, [m.id for m in members],
                                  f"19:{secrets.token_hex(16)}@thread.tacv2")

    def group_chat(self, tenant_id: str, members: Collection[Member]) -> Conversation:
        return self._conversation("groupChat", tenant_id, [m.id for m in members],
                                  f"19:{secrets.token_hex(16)}@thread.v2")

    def _conversation(self, kind: str, tenant_id: str, members: list[str], cid: str
                      ) -> Conversation:
        conversation = Conversation(cid, kind, tenant_id, members)
        self.conversations[cid] = conversation
        return conversation

    def uninstall(self, conversation_id: str) -> None:
        """The app was removed from this conversation: the bot may no longer post there."""
        self.conversations[conversation_id].bot_installed = False

    def require_tokens(self, good: Callable[[str], bool] | Collection[str]) -> None:
        """From now on a call needs `Authorization: Bearer <token>` with a good token."""
        self.tokens = good if callable(good) else (lambda token: token in good)

    def fail(self, kind: str, *, status: int | None = 429, retry_after: int | None = None,
             delay: float = 0.0, code: str = "", times: int = 1) -> None:
        """The next `times` calls of `kind` (one of `KINDS`, or "*") answer `status` (None:
        answer normally) after `delay` seconds."""
        assert kind in (*KINDS, "*"), kind
        queue = self.failures.setdefault(kind, deque())
        for _ in range(times):
            queue.append(Failure(status, retry_after, delay, code))

    # --- what happened --------------------------------------------------------------------------

    def attempts(self, kind: str) -> list[Call]:
        return [c for c in self.calls if c.kind == kind]

    def succeeded(self, kind: str) -> list[Call]:
        return [c for c in self.calls if c.kind == kind and c.status < 300]

    def activities_in(self, conversation_id: str) -> list[dict[str, Any]]:
        """What is in a conversation now (updated and deleted ones as they are), oldest first."""
        return list(self.conversations[conversation_id].activities.values())

    def cards_in(self, conversation_id: str) -> list[dict[str, Any]]:
        return [a["content"] for activity in self.activities_in(conversation_id)
                for a in activity.get("attachments") or []
                if a.get("contentType") == "application/vnd.microsoft.card.adaptive"]

    # --- server ---------------------------------------------------------------------------------

    async def start(self) -> FakeConnector:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        base = PREFIX + "v3/conversations"
        app.router.add_post(base, self._create)
        app.router.add_post(base + "/{cid}/activities", self._send)
        app.router.add_post(base + "/{cid}/activities/{aid}", self._reply)
        app.router.add_put(base + "/{cid}/activities/{aid}", self._update)
        app.router.add_delete(base + "/{cid}/activities/{aid}", self._delete)
        app.router.add_get(base + "/{cid}/members", self._members)
        app.router.add_get(base + "/{cid}/members/{mid}", self._member)
        app.router.add_get(base + "/{cid}/pagedmembers", self._paged)
        app.router.add_get(base + "/{cid}/pagedMembers", self._paged)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _enter(self, kind: str, request: web.Request) -> tuple[Call, web.Response | None]:
        """Records the call, then applies authentication and injected failures; a response
        means "answer this", None means "go on"."""
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
        call = Call(kind, request.method, request.path, request.match_info.get("cid", ""),
                    request.match_info.get("aid", ""), body, request.headers.get("Authorization"))
        self.calls.append(call)
        if self.tokens is not None:
            auth = call.authorization or ""
            if not auth.startswith("Bearer ") or not self.tokens(auth.removeprefix("Bearer ")):
                return call, self._error(call, 401, "Unauthorized",
                                         "Authorization has been denied for this request.")
        failure = self._next_failure(kind)
        if failure is not None:
            if failure.delay:
                await asyncio.sleep(failure.delay)
            if failure.status is not None:
                headers = ({"Retry-After": str(failure.retry_after)}
                           if failure.retry_after is not None else None)
                return call, self._error(call, failure.status,
                                         failure.code or _CODES.get(failure.status, "Error"),
                                         "injected by the test", headers=headers)
        return call, None

    def _next_failure(self, kind: str) -> Failure | None:
        for key in (kind, "*"):
            queue = self.failures.get(key)
            if queue:
                return queue.popleft()
        return None

    @staticmethod
    def _error(call: Call, status: int, code: str, message: str, *,
               headers: dict[str, str] | None = None) -> web.Response:
        call.status, call.answer = status, {"error": {"code": code, "message": message}}
        return web.json_response(call.answer, status=status, headers=headers)

    @staticmethod
    def _ok(call: Call, answer: Any, status: int = 200) -> web.Response:
        call.status, call.answer = status, answer
        return web.json_response(answer, status=status)

    def _find(self, call: Call) -> Conversation | web.Response:
        # A channel thread is addressed as `<channel id>;messageid=<root id>`.
        conversation = self.conversations.get(call.conversation_id.split(";")[0])
        if conversation is None:
            return self._error(call, 404, "ConversationNotFound", "Conversation not found.")
        if not conversation.bot_installed:
            return self._error(call, 403, "BotNotInConversationRoster",
                               "The bot is not part of the conversation roster.")
        return conversation

    def _check(self, call: Call) -> web.Response | None:
        if not isinstance(call.body, dict):
            return self._error(call, 400, "BadArgument", "The body is not a JSON object.")
        problems = activity_problems(call.body)
        if problems:
            return self._error(call, 400, "BadArgument", "; ".join(problems)[:2000])
        return None

    def _store(self, conversation: Conversation, body: dict[str, Any], *,
               reply_to: str = "") -> str:
        activity_id = f"1{next(self._ids):012d}"
        conversation.activities[activity_id] = {**body, "id": activity_id,
                                                "replyToId": reply_to or body.get("replyToId")}
        return activity_id

    # --- handlers -------------------------------------------------------------------------------

    async def _create(self, request: web.Request) -> web.Response:
        call, early = await self._enter("create", request)
        if early is not None:
            return early
        body = call.body if isinstance(call.body, dict) else {}
        wanted = [m.get("id") for m in body.get("members") or [] if isinstance(m, dict)]
        tenant = body.get("tenantId") or ((body.get("channelData") or {}).get("tenant") or {}
                                          ).get("id")
        if body.get("isGroup") or len(wanted) != 1:
            return self._error(call, 400, "BadArgument",
                               "Only a 1:1 conversation with one member can be created.")
        member = self.members.get(str(wanted[0]))
        if member is None:
            return self._error(call, 404, "NotFound", "The user was not found.")
        if tenant != member.tenant_id:
            return self._error(call, 403, "Forbidden", "The user is in another tenant.")
        conversation = self.personal_chat(member)
        if not conversation.bot_installed:
            return self._error(call, 403, "BotNotInConversationRoster",
                               "The bot is not installed for this user.")
        answer: dict[str, Any] = {"id": conversation.id}
        if isinstance(body.get("activity"), dict):
            answer["activityId"] = self._store(conversation, body["activity"])
        return self._ok(call, answer, 201)

    async def _send(self, request: web.Request) -> web.Response:
        call, early = await self._enter("send", request)
        if early is not None:
            return early
        found = self._find(call)
        if isinstance(found, web.Response):
            return found
        bad = self._check(call)
        if bad is not None:
            return bad
        thread = call.conversation_id.partition(";messageid=")[2]
        return self._ok(call, {"id": self._store(found, call.body, reply_to=thread)}, 201)

    async def _reply(self, request: web.Request) -> web.Response:
        call, early = await self._enter("reply", request)
        if early is not None:
            return early
        found = self._find(call)
        if isinstance(found, web.Response):
            return found
        bad = self._check(call)
        if bad is not None:
            return bad
        return self._ok(call, {"id": self._store(found, call.body, reply_to=call.activity_id)},
                        201)

    async def _update(self, request: web.Request) -> web.Response:
        call, early = await self._enter("update", request)
        if early is not None:
            return early
        found = self._find(call)
        if isinstance(found, web.Response):
            return found
        if call.activity_id not in found.activities:
            return self._error(call, 404, "ActivityNotFound", "The activity was not found.")
        bad = self._check(call)
        if bad is not None:
            return bad
        old = found.activities[call.activity_id]
        found.activities[call.activity_id] = {**call.body, "id": call.activity_id,
                                              "replyToId": old.get("replyToId")}
        return self._ok(call, {"id": call.activity_id})

    async def _delete(self, request: web.Request) -> web.Response:
        call, early = await self._enter("delete", request)
        if early is not None:
            return early
        found = self._find(call)
        if isinstance(found, web.Response):
            return found
        if found.activities.pop(call.activity_id, None) is None:
            return self._error(call, 404, "ActivityNotFound", "The activity was not found.")
        call.status = 200
        return web.Response(status=200)

    async def _members(self, request: web.Request) -> web.Response:
        call, early = await self._enter("members", request)
        if early is not None:
            return early
        found = self._find(call)
        if isinstance(found, web.Response):
            return found
        return self._ok(call, [self.members[m].account() for m in found.members])

    async def _member(self, request: web.Request) -> web.Response:
        call, early = await self._enter("member", request)
        if early is not None:
            return early
        found = self._find(call)
        if isinstance(found, web.Response):
            return found
        wanted = request.match_info["mid"]
        # Teams finds a member by channel account id or by AAD object id.
        for member_id in found.members:
            member = self.members[member_id]
            if wanted in (member.id, member.aad_object_id):
                return self._ok(call, member.account())
        return self._error(call, 404, "MemberNotFoundInConversation",
                           "The member was not found in the conversation.")

    async def _paged(self, request: web.Request) -> web.Response:
        call, early = await self._enter("pagedmembers", request)
        if early is not None:
            return early
        found = self._find(call)
        if isinstance(found, web.Response):
            return found
        try:
            size = max(1, min(500, int(request.query.get("pageSize", "200"))))
            start = int(request.query.get("continuationToken", "0") or "0")
        except ValueError:
            return self._error(call, 400, "BadArgument", "Bad page size or continuation token.")
        page = found.members[start:start + size]
        answer: dict[str, Any] = {"members": [self.members[m].account() for m in page]}
        if start + size < len(found.members):
            answer["continuationToken"] = str(start + size)
        return self._ok(call, answer)


_CODES = {400: "BadArgument", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
          412: "PreconditionFailed", 429: "TooManyRequests", 502: "BadGateway",
          504: "GatewayTimeout"}
