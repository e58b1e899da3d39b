"""`core.calendar.ports.CalendarGateway` on Google Calendar, through google-api-python-client.

The client is synchronous: every call runs in a worker thread (`asyncio.to_thread`), with an
`httplib2.Http` of its own (they are not thread-safe) wrapped in the service account's
credentials. The discovery document is the one packaged with the client (`static_discovery`),
and `GOOGLE_API_URL` points the client, its batch endpoint and nothing else at another server
(a local fake in the tests).

Writes are idempotent: ids are deterministic, an insert that finds the event (409) patches it,
a patch that finds nothing (404) inserts. Several writes go out as batch requests.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import google_auth_httplib2
import httplib2
from google.oauth2 import service_account
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest, HttpRequest

from core.calendar.model import (
    CalendarChanges,
    CalendarRef,
    CalendarWrite,
    RemoteEvent,
    SyncTokenExpired,
    WriteResult,
)
from integrations.calendar.google_answers import Answer, answer, result, send
from integrations.calendar.google_credentials import (
    load_credentials,
    no_boundary_lookup,
    on_this_machine,
)
from integrations.calendar.google_events import event_body, remote_event
from integrations.calendar.google_rate import RateLimit

logger = logging.getLogger(__name__)

GOOGLE_API_URL = "https://www.googleapis.com/"
#: Calls per batch request (Google takes up to 1000; smaller batches fail smaller).
BATCH_SIZE = 100
TIMEOUT_S = 30.0
PAGE_SIZE = 2500


@dataclass(frozen=True, slots=True)
class _Call:
    """One API call to make: the request, and what it was for."""

    index: int
    request: HttpRequest
    kind: str  # insert, patch, delete


class GoogleCalendarGateway:
    def __init__(self, credentials_file: str, *, api_url: str | None = None,
                 timeout: float = TIMEOUT_S, batch_size: int = BATCH_SIZE,
                 rate_limit: RateLimit | None = None) -> None:
        root = (api_url or GOOGLE_API_URL).rstrip("/") + "/"
        self._credentials = load_credentials(credentials_file)
        if on_this_machine(root):
            no_boundary_lookup(self._credentials)
        self.service_account: str = self._credentials.service_account_email
        self._delegated: dict[str, service_account.Credentials] = {}
        self._api_endpoint = root + "calendar/v3/"
        # `new_batch_http_request()` would use Google's own batch URL whatever the endpoint.
        self._batch_uri = root + "batch/calendar/v3"
        self._timeout, self._batch_size = timeout, batch_size
        self._rate = rate_limit or RateLimit()
        self._service: Any = None
        self._lock = threading.Lock()
        #: HTTP requests sent to the API (a batch counts once), for tests and benchmarks.
        self.http_requests = 0

    # --- the port -------------------------------------------------------------------------

    async def write(self, writes: Sequence[CalendarWrite]) -> list[WriteResult]:
        return await asyncio.to_thread(self._write, list(writes))

    async def changes(self, calendar: CalendarRef, sync_token: str | None) -> CalendarChanges:
        return await asyncio.to_thread(self._changes, calendar, sync_token)

    async def watch(self, calendar: CalendarRef, *, channel_id: str, token: str, address: str,
                    ttl: timedelta) -> tuple[str, datetime]:
        return await asyncio.to_thread(self._watch, calendar, channel_id, token, address, ttl)

    async def stop(self, calendar: CalendarRef, *, channel_id: str, resource_id: str) -> None:
        await asyncio.to_thread(self._stop, calendar, channel_id, resource_id)

    # --- in the worker thread --------------------------------------------------------------

    def _count(self) -> None:
        with self._lock:
            self.http_requests += 1

    def _api(self) -> Any:
        with self._lock:
            if self._service is None:
                # The requests it makes are executed with an authorised Http per call; this
                # one is never used.
                self._service = build(
                    "calendar", "v3", http=httplib2.Http(), static_discovery=True,
                    cache_discovery=False, client_options={"api_endpoint": self._api_endpoint})
            return self._service

    def _events(self) -> Any:
        return self._api().events()

    @contextmanager
    def _http(self, subject: str) -> Iterator[google_auth_httplib2.AuthorizedHttp]:
        """An Http of this thread's own, as `subject` (tokens are kept per subject), closed
        after use so no connection outlives the call."""
        with self._lock:
            credentials = self._credentials
            if subject:
                credentials = self._delegated.get(subject) or self._credentials.with_subject(
                    subject)
                self._delegated[subject] = credentials
        http = google_auth_httplib2.AuthorizedHttp(
            credentials, http=httplib2.Http(timeout=self._timeout))
        try:
            if not credentials.valid:
                # Here rather than in a batch, whose own refresh leaves its Http open.
                with suppress(Exception):  # the call itself then fails and says why
                    credentials.refresh(google_auth_httplib2.Request(http.http))
            yield http
        finally:
            http.close()

    def _write(self, writes: list[CalendarWrite]) -> list[WriteResult]:
        results: list[WriteResult | None] = [None] * len(writes)
        by_calendar: dict[CalendarRef, list[int]] = {}
        for index, w in enumerate(writes):
            by_calendar.setdefault(w.calendar, []).append(index)
        by_subject: dict[str, list[int]] = {}
        for calendar, indexes in by_calendar.items():
            by_subject.setdefault(calendar.subject, []).extend(indexes)
        for subject, indexes in by_subject.items():
            with self._http(subject) as http:
                self._write_as(http, subject, writes, indexes, results)
        return [r if r is not None else WriteResult(ok=False, error="not sent") for r in results]

    def _write_as(self, http: Any, subject: str, writes: list[CalendarWrite],
                  indexes: list[int], results: list[WriteResult | None]) -> None:
        """One subject's writes: a first round, then a second for inserts that found the
        event (409: patch it) and patches that found nothing (404: insert it)."""
        first = [self._call(i, writes[i], retrying=False) for i in indexes]
        answers = self._execute(http, subject, first)
        again: list[_Call] = []
        for call in first:
            answer = answers[call.index]
            if (call.kind, answer.status) in (("insert", 409), ("patch", 404)):
                again.append(self._call(call.index, writes[call.index], retrying=True))
            else:
                results[call.index] = result(call.kind, answer)
        if again:
            answers = self._execute(http, subject, again)
            for call in again:
                results[call.index] = result(call.kind, answers[call.index])

    def _call(self, index: int, w: CalendarWrite, *, retrying: bool) -> _Call:
        events, calendar_id = self._events(), w.calendar.calendar_id
        if w.entry is None:
            return _Call(index, events.delete(calendarId=calendar_id, eventId=w.event_id),
                         "delete")
        body = event_body(w.entry)
        # Known events are patched (insert if gone); new ones inserted (patch if there).
        if w.known != retrying:
            return _Call(index, events.patch(calendarId=calendar_id, eventId=w.event_id,
                                             body=body), "patch")
        return _Call(index, events.insert(calendarId=calendar_id,
                                          body={"id": w.event_id, **body}), "insert")

    def _execute(self, http: Any, subject: str, calls: list[_Call]) -> dict[int, Answer]:
        answers: dict[int, Answer] = {}
        for start in range(0, len(calls), self._batch_size):
            chunk = calls[start:start + self._batch_size]
            self._rate.take(subject, len(chunk))
            self._count()
            if len(chunk) == 1:
                answers[chunk[0].index] = send(chunk[0].request, http)
                continue

            def collect(request_id: str, response: Any, error: Exception | None) -> None:
                answers[int(request_id)] = answer(response, error)

            batch = BatchHttpRequest(callback=collect, batch_uri=self._batch_uri)
            for call in chunk:
                batch.add(call.request, request_id=str(call.index))
            try:
                batch.execute(http=http)
            except Exception as error:  # the whole batch failed: every call in it did
                failed = answer(None, error)
                for call in chunk:
                    answers.setdefault(call.index, failed)
        return answers

    def _changes(self, calendar: CalendarRef, sync_token: str | None) -> CalendarChanges:
        with self._http(calendar.subject) as http:
            return self._pages(http, calendar, sync_token)

    def _pages(self, http: Any, calendar: CalendarRef, sync_token: str | None
               ) -> CalendarChanges:
        events = self._events()
        found: list[RemoteEvent] = []
        page: str | None = None
        while True:
            params: dict[str, Any] = {"calendarId": calendar.calendar_id,
                                      "maxResults": PAGE_SIZE, "singleEvents": True}
            if sync_token:
                params["syncToken"] = sync_token
            if page:
                params["pageToken"] = page
            self._rate.take(calendar.subject, 1)
            self._count()
            try:
                response = events.list(**params).execute(http=http)
            except HttpError as error:
                if error.resp.status == 410:
                    raise SyncTokenExpired(str(calendar)) from error
                raise
            found += [remote_event(item) for item in response.get("items", [])]
            page = response.get("nextPageToken")
            if not page:
                return CalendarChanges(events=found, sync_token=response.get("nextSyncToken", ""))

    def _watch(self, calendar: CalendarRef, channel_id: str, token: str, address: str,
               ttl: timedelta) -> tuple[str, datetime]:
        body = {"id": channel_id, "type": "web_hook", "address": address, "token": token,
                "params": {"ttl": str(int(ttl.total_seconds()))}}
        self._rate.take(calendar.subject, 1)
        self._count()
        with self._http(calendar.subject) as http:
            channel = self._events().watch(calendarId=calendar.calendar_id,
                                           body=body).execute(http=http)
        expires = datetime.fromtimestamp(int(channel["expiration"]) / 1000, tz=UTC)
        return str(channel["resourceId"]), expires

    def _stop(self, calendar: CalendarRef, channel_id: str, resource_id: str) -> None:
        self._rate.take(calendar.subject, 1)
        self._count()
        try:
            with self._http(calendar.subject) as http:
                self._api().channels().stop(
                    body={"id": channel_id, "resourceId": resource_id}).execute(http=http)
        except HttpError as error:
            if error.resp.status != 404:  # already gone: that is what we wanted
                raise
