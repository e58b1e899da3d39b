"""`POST /slack/events` once the signature is good (`wiring.edge` checked it on the raw bytes):
the envelope, replays of slash commands, bolt, and the acks of what cannot be carried out.

Every request gets its ack within Slack's three seconds, whatever the database does: the work
that must happen before the ack and needs the database (recording a slash command's signature,
finding the workspace's token and tenant) has `lookup_budget` seconds in all, listeners answer
within their own budget, and a failure anywhere becomes an ack the person can read, shaped for
the kind of request: an ephemeral message for a command, field errors for a form (which stays
open with what was typed), a note through the `response_url` for a click, empty options for a
type-ahead, a plain 200 for an event.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bots.slack import envelope_model as e
from bots.slack import render
from bots.slack.background import BackgroundWork
from bots.slack.blocks import clip
from bots.slack.envelope import read
from bots.slack.failures import CONTEXT_DEADLINE, Failures, before_the_ack, begin_request
from bots.slack.ports import SeenRequests
from bots.slack.signature import digest_of
from bots.slack.web import SlackWeb
from core.ports import Clock
from core.views import Notice, Tone

logger = logging.getLogger(__name__)

CONTEXT_ENVELOPE = "cairn_envelope"

ALREADY_DONE = ("Already done: Slack delivered this very request before, and Cairn ran it "
                "then. It was not run again.")
UNREADABLE = ("Cairn could not read what Slack sent ({field} was not what Slack sends), so "
              "nothing was done. Try again; if it happens again, tell whoever runs Cairn.")
#: Events whose loss would leave tokens behind: when they fail, Slack is asked to retry.
MUST_NOT_BE_LOST = frozenset({"app_uninstalled", "tokens_revoked"})


@dataclass(frozen=True, slots=True)
class FailureAck:
    """How a request that cannot be carried out is acked, and what follows through its
    response_url (when it has one)."""

    status: int
    body: dict[str, Any] | None
    later: dict[str, Any] | None = None


def failure_ack(kind: str, text: str, *, response_url: str = "",
                first_block: str = "") -> FailureAck:
    message = render.message(Notice(text=text, tone=Tone.ERROR))
    if kind == e.COMMAND:
        return FailureAck(200, {"response_type": "ephemeral", **message})
    if kind == e.VIEW_SUBMISSION and first_block:
        return FailureAck(200, {"response_action": "errors",
                                "errors": {first_block: clip(text, 150)}})
    if kind == e.BLOCK_SUGGESTION:
        return FailureAck(200, {"options": []})
    return FailureAck(200, None, message if response_url else None)


def first_input_block(body: Mapping[str, Any]) -> str:
    values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    return min(values) if values else ""


class SlackEdge:
    def __init__(self, *, bolt: AsyncApp, failures: Failures, seen: SeenRequests,
                 web: SlackWeb, background: BackgroundWork, clock: Clock,
                 lookup_budget: float) -> None:
        self._bolt = bolt
        self._failures = failures
        self._seen = seen
        self._web = web
        self._background = background
        self._clock = clock
        self.lookup_budget = lookup_budget

    async def handle(self, request: web.Request, body: bytes) -> web.Response:
        begin_request()
        deadline = asyncio.get_running_loop().time() + self.lookup_budget
        try:
            envelope = read(body, request.content_type)
        except e.Undecodable as why:
            logger.warning("refused a signed Slack request: %s (%d bytes)", why, len(body))
            return web.json_response({"error": "malformed payload"}, status=400)
        except e.Ignored as ignored:
            logger.warning("ignored a Slack %s: %s", ignored.kind, ignored.problem)
            return self._answer(failure_ack(
                ignored.kind, UNREADABLE.format(field=ignored.problem.field),
                response_url=ignored.response_url, first_block=ignored.first_block),
                ignored.response_url)
        if envelope.kind == e.SSL_CHECK:
            return web.Response(status=200)
        if envelope.kind == e.URL_VERIFICATION:
            return web.json_response({"challenge": envelope.body["challenge"]})
        if envelope.kind == e.RATE_LIMITED:
            logger.warning("Slack says events for %s are rate limited", envelope.team_id)
            return web.Response(status=200)
        if envelope.kind == e.COMMAND:
            refused = await self._replay_or_failure(envelope, request.headers, deadline)
            if refused is not None:
                return refused
        bolt_request = AsyncBoltRequest(
            # A body bolt gets already parsed; bolt calls that "socket mode", which only means
            # it does not verify the signature again (the edge did, on the raw bytes).
            body=envelope.body, headers=dict(request.headers), mode="socket_mode",
            context={CONTEXT_ENVELOPE: envelope, CONTEXT_DEADLINE: deadline})
        return await to_aiohttp_response(await self._bolt.async_dispatch(bolt_request))

    async def _replay_or_failure(self, envelope: e.Envelope, headers: Mapping[str, str],
                                 deadline: float) -> web.Response | None:
        """Records the command's signature; the answer when it was seen before (a replay:
        Slack never retries slash commands) or could not be recorded."""
        try:
            async with before_the_ack(deadline, "recording the signature"):
                first = await self._seen.first_sight(digest_of(headers),
                                                     team_id=envelope.team_id,
                                                     at=self._clock.now())
        except Exception as error:
            diagnosis = await self._failures.diagnose(error, f"command {envelope.detail}")
            return self._answer(failure_ack(e.COMMAND, diagnosis.text), "")
        if first:
            return None
        logger.warning("a replayed Slack command from %s/%s was not run again",
                       envelope.team_id, envelope.user_id)
        notice = render.message(Notice(text=ALREADY_DONE, tone=Tone.INFO))
        return web.json_response({"response_type": "ephemeral", **notice})

    def _answer(self, ack: FailureAck, response_url: str) -> web.Response:
        self._tell_later(ack, response_url)
        if ack.body is None:
            return web.Response(status=ack.status)
        return web.json_response(ack.body, status=ack.status)

    def _tell_later(self, ack: FailureAck, response_url: str) -> None:
        if ack.later is not None and response_url:
            message = {**ack.later, "response_type": "ephemeral", "replace_original": False}
            self._background.spawn(self._web.respond(response_url, message), "failure notice")

    async def on_error(self, error: Exception, request: AsyncBoltRequest) -> BoltResponse:
        """bolt's error handler: a failure in authorization or a listener, acked for its kind."""
        found = request.context.get(CONTEXT_ENVELOPE)
        envelope = found if isinstance(found, e.Envelope) else e.Envelope(kind="request",
                                                                          body={})
        what = envelope.kind + (f" {envelope.detail[:60]!r}" if envelope.detail else "")
        diagnosis = await self._failures.diagnose(error, what)
        if envelope.kind == e.EVENT and envelope.detail in MUST_NOT_BE_LOST:
            return BoltResponse(status=503, body="")
        ack = failure_ack(envelope.kind, diagnosis.text, response_url=envelope.response_url,
                          first_block=first_input_block(envelope.body))
        self._tell_later(ack, envelope.response_url)
        return BoltResponse(status=ack.status, body=ack.body if ack.body is not None else "")
