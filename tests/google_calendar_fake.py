"""A local fake of the Google Calendar API v3, over real HTTP, for tests and benchmarks.

It speaks what Cairn uses, the way Google does: events insert / patch / get / delete / list
(with sync tokens, pages, and 410 for a token it no longer knows), events watch and channels
stop, the batch endpoint (multipart/mixed, outer headers apply to every part), and the OAuth
token endpoint of the service-account flow (the JWT is checked against the key the fake made).
Client-chosen ids must be base32hex; inserting an id that exists, even deleted, is a 409.

It can be told to fail: `fail(429)` (or 403 rateLimitExceeded, 500, 409, 410 ...) for the next
calls, `outage = True` (every request gets 503), `delay` seconds before every answer. What it
received is recorded: `requests` (HTTP requests; a batch is one) and `calls` (API calls; each
part of a batch is one). `move()` and `remove()` act like a person in the calendar's web page,
and notify the push channels watching it.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import functools
import itertools
import json
import re
import secrets
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import jwt

from tests.google_wire import (
    REASONS,
    Answer,
    batch_response,
    google_error,
    json_response,
    parse_http,
    unwrap,
    wrap,
)

SERVICE_ACCOUNT = "cairn@cairn-test.iam.gserviceaccount.com"
API = "/calendar/v3/"
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
EVENT_ID = re.compile(r"^[a-v0-9]{5,1024}$")


@dataclass
class Failure:
    status: int
    times: int
    reason: str
    method: str | None
    path: str | None


@dataclass
class FakeCalendar:
    id: str
    writers: set[str]
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    version: int = 0
    oldest_token: int = 0  # sync tokens older than this are forgotten (410)


class FakeGoogleCalendar:
    def __init__(self, *, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.now = now
        self.calendars: dict[str, FakeCalendar] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, str] = {}  # access token -> whom it acts as
        self.subjects: list[str] = []  # who asked for a token (delegation: the user)
        self.public_keys: dict[str, str] = {}
        self.allow_delegation = True
        self.outage = False
        self.delay = 0.0
        self.failures: list[Failure] = []
        self.requests: list[tuple[str, str]] = []
        self.calls: list[tuple[str, str, int]] = []
        self.notified: list[int] = []
        self._etags = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""

    # --- running -----------------------------------------------------------------------------

    async def start(self) -> str:
        return await self.start_on(0)

    async def start_on(self, port: int) -> str:
        """Listens on 127.0.0.1 (port 0: any free one); returns the base URL."""
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_post("/token", self._token)
        app.router.add_get("/_fake/events", self._peek)
        app.router.add_post("/batch/calendar/v3", self._batch)
        app.router.add_route("*", API + "{tail:.*}", self._single)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/"
        return self.url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def add_calendar(self, calendar_id: str, *, writers: set[str] | None = None) -> FakeCalendar:
        """A shared calendar, writable by the service account unless told otherwise."""
        calendar = FakeCalendar(calendar_id, {SERVICE_ACCOUNT} if writers is None else writers)
        self.calendars[calendar_id] = calendar
        return calendar

    def credentials_file(self, directory: Path) -> Path:
        """A service account key whose token endpoint is this fake (a throwaway RSA key)."""
        key = throwaway_key()
        key_id = secrets.token_hex(8)
        self.public_keys[key_id] = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
        info = {"type": "service_account", "project_id": "cairn-test", "private_key_id": key_id,
                "private_key": pem, "client_email": SERVICE_ACCOUNT, "client_id": "1234567890",
                "token_uri": self.url + "token"}
        path = directory / "service-account.json"
        path.write_text(json.dumps(info))
        return path

    # --- failure injection and a person's hand ------------------------------------------------

    def fail(self, status: int, *, times: int = 1, reason: str = "", method: str | None = None,
             path: str | None = None) -> None:
        """The next `times` API calls (matching method and path fragment) answer `status`."""
        self.failures.append(Failure(status, times, reason or REASONS.get(status, "error"),
                                     method, path))

    def expire_sync_tokens(self) -> None:
        for calendar in self.calendars.values():
            calendar.oldest_token = calendar.version  # every token handed out so far

    def event(self, calendar_id: str, event_id: str) -> dict[str, Any] | None:
        found = self.calendars[calendar_id].events.get(event_id)
        return self._public(found) if found else None

    def live_events(self, calendar_id: str) -> list[dict[str, Any]]:
        calendar = self.calendars.get(calendar_id)
        return [self._public(e) for e in (calendar.events.values() if calendar else ())
                if e["status"] != "cancelled"]

    async def move(self, calendar_id: str, event_id: str, start: date | datetime,
                   timezone: str = "UTC") -> None:
        """Someone drags the event to another day (a date) or time (a datetime)."""
        calendar = self.calendars[calendar_id]
        event = calendar.events[event_id]
        if isinstance(start, datetime):
            end = start + timedelta(minutes=30)
            event["start"] = {"dateTime": start.isoformat(), "timeZone": timezone}
            event["end"] = {"dateTime": end.isoformat(), "timeZone": timezone}
        else:
            event["start"] = {"date": start.isoformat()}
            event["end"] = {"date": (start + timedelta(days=1)).isoformat()}
        self._touch(calendar, event)
        await self.notify(calendar_id)

    async def remove(self, calendar_id: str, event_id: str) -> None:
        calendar = self.calendars[calendar_id]
        calendar.events[event_id]["status"] = "cancelled"
        self._touch(calendar, calendar.events[event_id])
        await self.notify(calendar_id)

    async def notify(self, calendar_id: str, *, token: str | None = None) -> list[int]:
        """Posts `exists` to every live channel on the calendar, as Google does; statuses."""
        statuses = []
        async with aiohttp.ClientSession() as session:
            for channel in list(self.channels.values()):
                if channel["calendar"] != calendar_id or channel["stopped"]:
                    continue
                channel["messages"] += 1
                headers = {"X-Goog-Channel-ID": channel["id"],
                           "X-Goog-Channel-Token": token if token is not None else channel["token"],
                           "X-Goog-Resource-ID": channel["resourceId"],
                           "X-Goog-Resource-State": "exists",
                           "X-Goog-Message-Number": str(channel["messages"]),
                           "X-Goog-Channel-Expiration": "Tue, 19 Nov 2030 01:13:52 GMT"}
                async with session.post(channel["address"], headers=headers) as response:
                    statuses.append(response.status)
        self.notified += statuses
        return statuses

    # --- HTTP ---------------------------------------------------------------------------------

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        try:
            # google-auth signs for Google's token endpoint whatever the key's token_uri says
            claims = jwt.decode(str(form.get("assertion", "")), certs=self.public_keys,
                                audience=GOOGLE_TOKEN_AUDIENCE)
        except ValueError as error:
            return web.json_response({"error": "invalid_grant", "error_description": str(error)},
                                     status=400)
        subject = str(claims.get("sub") or claims["iss"])
        if subject != claims["iss"] and not self.allow_delegation:
            return web.json_response({"error": "unauthorized_client",
                                      "error_description": "Client is unauthorized"}, status=401)
        token = "ya29.fake-" + secrets.token_urlsafe(12)
        self.tokens[token] = subject
        self.subjects.append(subject)
        return web.json_response({"access_token": token, "expires_in": 3600,
                                  "token_type": "Bearer"})

    async def _peek(self, request: web.Request) -> web.Response:
        """Not Google's: every calendar's live events, to look at by hand."""
        return web.json_response({c: [{k: e.get(k) for k in ("id", "summary", "start", "end")}
                                      for e in self.live_events(c)] for c in self.calendars})

    async def _single(self, request: web.Request) -> web.Response:
        self.requests.append((request.method, request.path))
        body = await request.read()
        if self.outage:
            return json_response(*google_error(503, "The service is currently unavailable."))
        status, payload = self._call(request.method, request.path_qs,
                                     request.headers.get("Authorization", ""), body)
        if self.delay:  # done, but the answer is late
            await asyncio.sleep(self.delay)
        return json_response(status, payload)

    async def _batch(self, request: web.Request) -> web.Response:
        self.requests.append((request.method, request.path))
        raw = await request.read()
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.outage:
            return json_response(*google_error(503, "The service is currently unavailable."))
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + request.headers["Content-Type"].encode() + b"\r\n\r\n" + raw)
        if not message.is_multipart():
            return json_response(*google_error(400, "Batch requests must be multipart/mixed."))
        outer_auth = request.headers.get("Authorization", "")
        answers: list[tuple[str, int, dict[str, Any] | None]] = []
        for part in message.iter_parts():
            request_bytes = part.get_payload(decode=True)
            assert isinstance(request_bytes, bytes)
            method, target, headers, body = parse_http(request_bytes)
            status, payload = self._call(method, target, headers.get("authorization", outer_auth),
                                         body)
            answers.append((str(part["Content-ID"] or ""), status, payload))
        return batch_response(answers)

    # --- the API --------------------------------------------------------------------------------

    def _call(self, method: str, target: str, authorization: str, body: bytes) -> Answer:
        parts = urllib.parse.urlsplit(target)
        path, query = parts.path, dict(urllib.parse.parse_qsl(parts.query))
        status, payload = self._dispatch(method, path, query, authorization, body)
        self.calls.append((method, path, status))
        return status, payload

    def _dispatch(self, method: str, path: str, query: dict[str, str], authorization: str,
                  body: bytes) -> Answer:
        who = self.tokens.get(authorization.removeprefix("Bearer ").strip())
        if who is None:
            return google_error(401, "Request had invalid authentication credentials.")
        for failure in self.failures:
            if failure.times > 0 and failure.method in (None, method) and (
                    failure.path is None or failure.path in path):
                failure.times -= 1
                return google_error(failure.status, f"Injected failure {failure.status}",
                                    failure.reason)
        try:
            data = json.loads(body) if body else {}
        except ValueError:
            return google_error(400, "Parse Error", "parseError")
        if path == API + "channels/stop" and method == "POST":
            return self._stop(data)
        match = re.match(rf"^{API}calendars/([^/]+)/events(?:/([^/]+))?$", path)
        if match is None:
            return google_error(404, "Not Found")
        calendar_id = urllib.parse.unquote(match.group(1))
        calendar_id = who if calendar_id == "primary" else calendar_id
        calendar = self.calendars.get(calendar_id)
        if calendar is None and calendar_id == who:  # a person's own calendar
            calendar = self.add_calendar(who, writers={who})
        if calendar is None:
            return google_error(404, "Not Found")
        event_id = urllib.parse.unquote(match.group(2) or "")
        if method != "GET" and event_id != "watch" and who not in calendar.writers:
            return google_error(403, "You need to have writer access to this calendar.",
                                "requiredAccessLevel")
        if not event_id:
            if method == "POST":
                return self._insert(calendar, data, who)
            if method == "GET":
                return self._list(calendar, query)
        elif event_id == "watch" and method == "POST":
            return self._watch(calendar, data)
        elif method == "GET":
            event = calendar.events.get(event_id)
            return (200, self._public(event)) if event else google_error(404, "Not Found")
        elif method in ("PATCH", "PUT"):
            return self._patch(calendar, event_id, data)
        elif method == "DELETE":
            return self._delete(calendar, event_id)
        return google_error(405, "Method not allowed", "methodNotAllowed")

    def _insert(self, calendar: FakeCalendar, data: dict[str, Any], who: str) -> Answer:
        event_id = str(data.get("id") or secrets.token_hex(13))
        if not EVENT_ID.match(event_id):
            return google_error(400, "Invalid resource id value.")
        if event_id in calendar.events:
            return google_error(409, "The requested identifier already exists.")
        problem = _check_times(data)
        if problem:
            return google_error(400, problem)
        event = {**data, "id": event_id, "status": data.get("status", "confirmed"),
                 "created": self.now().isoformat(), "creator": {"email": who},
                 "organizer": {"email": calendar.id}}
        calendar.events[event_id] = event
        self._touch(calendar, event)
        return 200, self._public(event)

    def _patch(self, calendar: FakeCalendar, event_id: str, data: dict[str, Any]) -> Answer:
        event = calendar.events.get(event_id)
        if event is None:
            return google_error(404, "Not Found")
        merged = {**event, **{k: v for k, v in data.items() if k != "id"}}
        if "extendedProperties" in data:  # nested objects merge, as in Google's patch
            private = {**event.get("extendedProperties", {}).get("private", {}),
                       **data["extendedProperties"].get("private", {})}
            merged["extendedProperties"] = {"private": private}
        problem = _check_times(merged)
        if problem:
            return google_error(400, problem)
        calendar.events[event_id] = merged
        self._touch(calendar, merged)
        return 200, self._public(merged)

    def _delete(self, calendar: FakeCalendar, event_id: str) -> Answer:
        event = calendar.events.get(event_id)
        if event is None:
            return google_error(404, "Not Found")
        if event["status"] == "cancelled":
            return google_error(410, "Resource has been deleted", "deleted")
        event["status"] = "cancelled"
        self._touch(calendar, event)
        return 204, None

    def _list(self, calendar: FakeCalendar, query: dict[str, str]) -> Answer:
        size = max(1, min(int(query.get("maxResults", "250")), 2500))
        since = -1
        try:
            if "pageToken" in query:
                offset, snapshot, since = (int(x) for x in unwrap(query["pageToken"]).split(":"))
            else:
                offset, snapshot = 0, calendar.version
                if "syncToken" in query:
                    since = int(unwrap(query["syncToken"]))
        except ValueError:
            return google_error(400, "Invalid page or sync token.")
        if "syncToken" in query and since < calendar.oldest_token:
            return google_error(410, "Sync token is no longer valid, a full sync is required.",
                                "fullSyncRequired")
        show_deleted = since >= 0 or query.get("showDeleted") == "true"
        items = sorted((e for e in calendar.events.values()
                        if since < e["_version"] <= snapshot
                        and (show_deleted or e["status"] != "cancelled")),
                       key=lambda e: e["_version"])
        page = items[offset:offset + size]
        answer: dict[str, Any] = {"kind": "calendar#events", "items": [
            self._public(e) for e in page]}
        if offset + size < len(items):
            answer["nextPageToken"] = wrap(f"{offset + size}:{snapshot}:{since}")
        else:
            answer["nextSyncToken"] = wrap(str(snapshot))
        return 200, answer

    def _watch(self, calendar: FakeCalendar, data: dict[str, Any]) -> Answer:
        if data.get("type") != "web_hook" or not str(data.get("address", "")).startswith("http"):
            return google_error(400, "Invalid channel", "invalid")
        ttl = int(data.get("params", {}).get("ttl", 604800))
        expires = self.now() + timedelta(seconds=ttl)
        channel = {"id": str(data["id"]), "token": data.get("token", ""),
                   "address": data["address"], "calendar": calendar.id, "stopped": False,
                   "resourceId": f"res-{calendar.id}", "messages": 0,
                   "expiration": str(int(expires.timestamp() * 1000))}
        self.channels[channel["id"]] = channel
        return 200, {"kind": "api#channel", "id": channel["id"],
                     "resourceId": channel["resourceId"], "token": channel["token"],
                     "resourceUri": f"{self.url}calendar/v3/calendars/{calendar.id}/events",
                     "expiration": channel["expiration"]}

    def _stop(self, data: dict[str, Any]) -> Answer:
        channel = self.channels.get(str(data.get("id")))
        if channel is None or channel["resourceId"] != data.get("resourceId"):
            return google_error(404, "Channel not found")
        channel["stopped"] = True
        return 204, None

    def _touch(self, calendar: FakeCalendar, event: dict[str, Any]) -> None:
        calendar.version += 1
        event["_version"] = calendar.version
        event["etag"] = f'"{next(self._etags)}"'
        event["updated"] = self.now().isoformat()

    def _public(self, event: dict[str, Any]) -> dict[str, Any]:
        shown = {k: v for k, v in event.items() if not k.startswith("_")}
        shown["kind"] = "calendar#event"
        for key in ("start", "end"):  # Google answers with the offset of the time zone
            when = shown.get(key)
            if isinstance(when, dict) and "dateTime" in when and when.get("timeZone"):
                moment = datetime.fromisoformat(when["dateTime"])
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=ZoneInfo(when["timeZone"]))
                shown[key] = {**when, "dateTime": moment.isoformat()}
        return shown


@functools.cache
def throwaway_key() -> rsa.RSAPrivateKey:
    """One RSA key per test run: making one takes a while, and none of them is a secret."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _check_times(event: dict[str, Any]) -> str:
    start, end = event.get("start"), event.get("end")
    if not isinstance(start, dict) or not isinstance(end, dict):
        return "Missing end time." if isinstance(start, dict) else "Missing start time."
    try:
        if "date" in start:
            return "" if date.fromisoformat(end["date"]) > date.fromisoformat(
                start["date"]) else "The specified time range is empty."
        begins, ends = (datetime.fromisoformat(x["dateTime"]) for x in (start, end))
        for x, moment in ((start, begins), (end, ends)):
            if moment.tzinfo is None and not x.get("timeZone"):
                return "Missing time zone definition for start time."
            ZoneInfo(x.get("timeZone") or "UTC")
    except (KeyError, ValueError):
        return "Invalid start or end time."
    return ""


async def _serve_forever(port: int, calendar_id: str, directory: Path) -> None:
    fake = FakeGoogleCalendar()
    await fake.start_on(port)
    fake.add_calendar(calendar_id)
    key = fake.credentials_file(directory)
    print("A fake Google Calendar is listening; try Cairn against it with:\n"
          f"  export GOOGLE_APPLICATION_CREDENTIALS={key}\n"
          f"  export GOOGLE_CALENDAR_ID={calendar_id}\n"
          f"  export GOOGLE_API_URL={fake.url}\n"
          f"What it holds: curl {fake.url}_fake/events  (Ctrl-C stops it)", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await fake.close()


if __name__ == "__main__":
    import argparse
    import contextlib
    import tempfile

    parser = argparse.ArgumentParser(description="Run the fake Google Calendar API locally.")
    parser.add_argument("--port", type=int, default=8085)
    parser.add_argument("--calendar", default="deadlines@group.calendar.google.com")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fake-google-") as tmp, \
            contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_forever(args.port, args.calendar, Path(tmp)))
