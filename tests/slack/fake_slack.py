"""A local fake of Slack's Web API (and of `response_url`s), over real HTTP.

It records every call, answers the way Slack does (`{"ok": true, ...}` or `{"ok": false,
"error": ...}`, message timestamps, view ids, users, DMs, OAuth exchanges and token rotation),
refuses
Block Kit that Slack would refuse (`invalid_blocks`, checked by `tests.slack.blockkit`), knows
which token belongs to which workspace (`invalid_auth` otherwise), and can be told to answer
429 with Retry-After, a 5xx, an error, or to take its time.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from tests.slack.blockkit import message_problems, view_problems

MESSAGE_METHODS = {"chat.postMessage", "chat.postEphemeral", "chat.update"}
VIEW_METHODS = {"views.open", "views.push", "views.update", "views.publish"}


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None
    answer: dict[str, Any] = field(default_factory=dict)
    status: int = 200


@dataclass
class Workspace:
    team_id: str
    name: str
    domain: str
    enterprise_id: str | None = None
    users: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class UploadedFile:
    id: str
    team: str
    filename: str
    length: int
    alt_txt: str = ""
    data: bytes | None = None
    title: str = ""
    channel: str | None = None
    thread_ts: str | None = None
    initial_comment: str = ""

    @property
    def shared(self) -> bool:
        return self.channel is not None


@dataclass
class Failure:
    status: int = 200
    error: str = ""
    retry_after: int | None = None
    delay: float = 0.0


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.responses: list[tuple[str, dict[str, Any]]] = []  # (response_url id, payload)
        self.workspaces: dict[str, Workspace] = {}
        self.tokens: dict[str, str] = {}  # token -> team id
        self.refresh_tokens: dict[str, str] = {}  # refresh token -> team id
        self.codes: dict[str, dict[str, Any]] = {}  # OAuth code -> installation to answer
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.failures: dict[str, deque[Failure]] = {}
        #: Files of the upload v2 flow: asked for (getUploadURLExternal), their bytes (the
        #: upload), then shared (completeUploadExternal) into `channel` and `thread_ts`.
        self.files: dict[str, UploadedFile] = {}
        #: Channels Cairn is not in: sharing a file there is `not_in_channel`.
        self.outside: set[str] = set()
        self.rotation_seconds: int | None = None  # when set, installs issue expiring tokens
        self._ts = itertools.count(1)
        self._responded = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- set-up ---------------------------------------------------------------------------------

    def add_workspace(self, team_id: str, name: str, *, token: str | None = None,
                      enterprise_id: str | None = None) -> Workspace:
        workspace = Workspace(team_id, name, name.lower().replace(" ", ""), enterprise_id)
        self.workspaces[team_id] = workspace
        if token:
            self.tokens[token] = team_id
        return workspace

    def add_user(self, team_id: str, user_id: str, name: str, *, tz: str = "Europe/Berlin",
                 real_name: str = "", email: str = "", display_name: str | None = None) -> None:
        self.workspaces[team_id].users[user_id] = {
            "id": user_id, "team_id": team_id, "name": name, "real_name": real_name or name,
            "tz": tz, "tz_offset": 3600, "is_bot": False, "deleted": False,
            "profile": {"display_name": name if display_name is None else display_name,
                        "real_name": real_name or name.capitalize(),
                        "email": email or f"{name}@{team_id.lower()}.example"}}

    def deactivate(self, team_id: str, user_id: str) -> None:
        """The user's account is deactivated: Slack keeps them, marked deleted."""
        self.workspaces[team_id].users[user_id]["deleted"] = True

    def offer_install(self, code: str, team_id: str, *, installer: str = "U1") -> None:
        """The next `oauth.v2.access` with this code installs the app into this workspace."""
        self.codes[code] = {"team_id": team_id, "installer": installer}

    def fail(self, method: str, *, status: int = 200, error: str = "", retry_after: int | None
             = None, delay: float = 0.0, times: int = 1) -> None:
        queue = self.failures.setdefault(method, deque())
        for _ in range(times):
            queue.append(Failure(status, error, retry_after, delay))

    # --- what happened ------------------------------------------------------------------------

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.answer.get("ok")]

    def called_any(self) -> list[Call]:
        """Every call Slack accepted, in order."""
        return [c for c in self.calls if c.answer.get("ok")]

    def attempts(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def posted_to(self, channel: str) -> list[dict[str, Any]]:
        """The messages posted to a channel or DM (by id), oldest first."""
        return [m for (c, _), m in self.messages.items() if c == channel]

    def dm_of(self, user_id: str) -> str:
        """The id of the bot's DM with a user (as `conversations.open` gives it)."""
        return "D" + user_id

    def response_url(self, key: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/respond/{key or secrets.token_hex(4)}"

    def responses_to(self, url: str) -> list[dict[str, Any]]:
        key = url.rsplit("/", 1)[-1]
        return [payload for k, payload in self.responses if k == key]

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    # --- server ---------------------------------------------------------------------------------

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/respond/{key}", self._respond)
        app.router.add_post("/upload/{file_id}", self._upload)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _respond(self, request: web.Request) -> web.Response:
        payload = await request.json()
        failure = self._next_failure("response_url")
        if failure is not None and failure.delay:
            await asyncio.sleep(failure.delay)
        if failure is not None and failure.status != 200:
            return web.Response(status=failure.status, text="no")
        problems = message_problems(payload)
        if problems:
            return web.Response(status=400, text="invalid_blocks: " + "; ".join(problems))
        self.responses.append((request.match_info["key"], payload))
        self._responded.set()
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        """The upload URL Slack hands out: the file's bytes, posted once, of the length told."""
        found = self.files.get(request.match_info["file_id"])
        if found is None or found.data is not None:
            return web.Response(status=404, text="no such upload")
        data = await request.read()
        if len(data) != found.length:
            return web.Response(status=400, text="length mismatch")
        found.data = data
        return web.Response(text=f"OK - {len(data)}")

    def shared_files(self, channel: str | None = None) -> list[UploadedFile]:
        return [f for f in self.files.values()
                if f.shared and (channel is None or f.channel == channel)]

    async def wait_for_responses(self, count: int = 1) -> None:
        """Waits until `count` response_url posts arrived (for servers in other processes);
        callers bound the wait with `asyncio.timeout`."""
        while len(self.responses) < count:
            self._responded.clear()
            await self._responded.wait()

    async def wait_for_responses_to(self, url: str, count: int) -> None:
        """Waits until `count` posts arrived at one response URL."""
        while len(self.responses_to(url)) < count:
            self._responded.clear()
            await self._responded.wait()

    def _next_failure(self, method: str) -> Failure | None:
        queue = self.failures.get(method)
        return queue.popleft() if queue else None

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                args.update(await request.json())
            else:
                args.update(dict(parse_qsl(await request.text())))
        token = args.pop("token", None)
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            token = auth.removeprefix("Bearer ")
        call = Call(method, args, token)
        self.calls.append(call)
        failure = self._next_failure(method)
        if failure is not None:
            if failure.delay:
                await asyncio.sleep(failure.delay)
            if failure.status == 429:
                call.status, call.answer = 429, {"ok": False, "error": "ratelimited"}
                return web.json_response(call.answer, status=429, headers={
                    "Retry-After": str(failure.retry_after or 0)})
            if failure.status >= 500:
                call.status = failure.status
                return web.Response(status=failure.status, text="upstream trouble")
            if failure.error:
                call.answer = {"ok": False, "error": failure.error}
                return web.json_response(call.answer)
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            call.answer = {"ok": False, "error": "unknown_method"}
        elif method.startswith("oauth."):
            call.answer = handler(args, request)
        else:
            team = self.tokens.get(token or "")
            if team is None:
                call.answer = {"ok": False, "error": "invalid_auth"}
            else:
                problems = self._block_problems(method, args)
                call.answer = ({"ok": False, "error": "invalid_blocks", "errors": problems}
                               if problems else handler(args, team))
        return web.json_response(call.answer)

    def _block_problems(self, method: str, args: dict[str, Any]) -> list[str]:
        if method in MESSAGE_METHODS:
            payload = dict(args)
            if isinstance(payload.get("blocks"), str):
                payload["blocks"] = json.loads(payload["blocks"])
            return message_problems(payload)
        if method in VIEW_METHODS:
            view = args.get("view")
            view = json.loads(view) if isinstance(view, str) else view
            if not isinstance(view, dict):
                return ["no view"]
            return view_problems(view)
        return []

    # --- methods --------------------------------------------------------------------------------

    def _next_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def _auth_test(self, args: dict[str, Any], team: str) -> dict[str, Any]:
        w = self.workspaces[team]
        return {"ok": True, "url": f"https://{w.domain}.slack.com/", "team": w.name,
                "user": "cairn", "team_id": team, "user_id": "UCAIRNBOT", "bot_id": "BCAIRN",
                "enterprise_id": w.enterprise_id, "is_enterprise_install": False}

    def _users_info(self, args: dict[str, Any], team: str) -> dict[str, Any]:
        user = self.workspaces[team].users.get(str(args.get("user")))
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}

    def _chat_postMessage(self, args: dict[str, Any], team: str) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if channel.startswith("CGONE"):
            return {"ok": False, "error": "channel_not_found"}
        ts = self._next_ts()
        message = {"text": args.get("text"), "blocks": args.get("blocks"), "ts": ts,
                   "thread_ts": args.get("thread_ts"), "channel": channel}
        self.messages[(channel, ts)] = message
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _conversations_open(self, args: dict[str, Any], team: str) -> dict[str, Any]:
        users = [u for u in str(args.get("users") or "").split(",") if u]
        if len(users) != 1:
            return {"ok": False, "error": "users_list_not_supplied" if not users
                    else "not_enough_users"}
        user = self.workspaces[team].users.get(users[0])
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        if user["deleted"]:
            return {"ok": False, "error": "user_disabled"}
        return {"ok": True, "channel": {"id": self.dm_of(users[0])}}

    def _files_getUploadURLExternal(self, args: dict[str, Any], team: str) -> dict[str, Any]:
        filename, length = str(args.get("filename") or ""), str(args.get("length") or "")
        if not filename or not length.isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = "F" + secrets.token_hex(5).upper()
        self.files[file_id] = UploadedFile(id=file_id, team=team, filename=filename,
                                           length=int(length),
                                           alt_txt=str(args.get("alt_txt") or ""))
        return {"ok": True, "file_id": file_id,
                "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}"}

    def _files_completeUploadExternal(self, args: dict[str, Any], team: str) -> dict[str, Any]:
        listed = args.get("files")
        items = json.loads(listed) if isinstance(listed, str) else listed
        if not isinstance(items, list) or not items:
            return {"ok": False, "error": "invalid_arguments"}
        channel = args.get("channel_id")
        if channel is not None and (str(channel).startswith("CGONE")):
            return {"ok": False, "error": "channel_not_found"}
        if channel in self.outside:
            return {"ok": False, "error": "not_in_channel"}
        done = []
        for item in items:
            found = self.files.get(str(item.get("id")))
            if found is None or found.team != team or found.data is None or found.shared:
                return {"ok": False, "error": "file_not_found"}
            found.title = str(item.get("title") or found.filename)
            if channel is not None:
                found.channel, found.thread_ts = str(channel), args.get("thread_ts")
                found.initial_comment = str(args.get("initial_comment") or "")
            done.append({"id": found.id, "name": found.filename, "title": found.title})
        return {"ok": True, "files": done}

    def _chat_postEphemeral(self, args: dict[str, Any], team: str) -> dict[str, Any]:
        return {"ok": True, "message_ts": self._next_ts()}

    def _chat_update(self, args: dict[str, Any], team: str) -> dict[str, Any]:
        key = (str(args.get("channel")), str(args.get("ts")))
        if key not in self.messages:
            return {"ok": False, "error": "message_not_found"}
        self.messages[key].update(text=args.get("text"), blocks=args.get("blocks"))
        return {"ok": True, "channel": key[0], "ts": key[1], "text": args.get("text")}

    def _chat_getPermalink(self, args: dict[str, Any], team: str) -> dict[str, Any]:
        channel, ts = str(args.get("channel")), str(args.get("message_ts"))
        domain = self.workspaces[team].domain
        return {"ok": True, "channel": channel,
                "permalink": f"https://{domain}.slack.com/archives/{channel}/p"
                             f"{ts.replace('.', '')}"}

    def _views_open(self, args: dict[str, Any], team: str) -> dict[str, Any]:
        if not args.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        return {"ok": True, "view": {"id": "V" + secrets.token_hex(5).upper(),
                                     **_view(args)}}

    _views_push = _views_open

    def _views_update(self, args: dict[str, Any], team: str) -> dict[str, Any]:
        return {"ok": True, "view": {"id": args.get("view_id"), **_view(args)}}

    def _views_publish(self, args: dict[str, Any], team: str) -> dict[str, Any]:
        if str(args.get("user_id")) not in self.workspaces[team].users:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "view": {"id": "V" + secrets.token_hex(5).upper(), **_view(args)}}

    def _oauth_v2_access(self, args: dict[str, Any], request: web.Request) -> dict[str, Any]:
        if args.get("grant_type") == "refresh_token":
            team = self.refresh_tokens.pop(str(args.get("refresh_token")), None)
            if team is None:
                return {"ok": False, "error": "invalid_refresh_token"}
            return {"ok": True, "token_type": "bot", **self._issue(team),
                    "team": {"id": team, "name": self.workspaces[team].name}}
        offer = self.codes.pop(str(args.get("code")), None)
        if offer is None:
            return {"ok": False, "error": "invalid_code"}
        team = offer["team_id"]
        w = self.workspaces[team]
        return {"ok": True, "app_id": "ACAIRN", "authed_user": {"id": offer["installer"]},
                "scope": "commands,chat:write", "token_type": "bot", **self._issue(team),
                "bot_user_id": "UCAIRNBOT", "team": {"id": team, "name": w.name},
                "enterprise": ({"id": w.enterprise_id, "name": "Org"} if w.enterprise_id
                               else None), "is_enterprise_install": False}

    def _issue(self, team: str) -> dict[str, Any]:
        token = f"xoxb-{team}-{secrets.token_hex(6)}"
        self.tokens[token] = team
        issued: dict[str, Any] = {"access_token": token}
        if self.rotation_seconds is not None:
            refresh = f"xoxe-1-{secrets.token_hex(8)}"
            self.refresh_tokens[refresh] = team
            issued.update(refresh_token=refresh, expires_in=self.rotation_seconds)
        return issued

    def revoke(self, team_id: str) -> None:
        for token, team in list(self.tokens.items()):
            if team == team_id:
                del self.tokens[token]


def _view(args: dict[str, Any]) -> dict[str, Any]:
    view = args.get("view")
    return json.loads(view) if isinstance(view, str) else dict(view or {})
