"""Slack's ack path in one module: the ack budget, the answer carried in the ack, the late
reply through `response_url`, and the re-stamped cached answer.

Slack waits three seconds for the HTTP response to a command, click, form or type-ahead (the
ack) and shows an error after that. Every request goes through the same states:

    RECEIVED   the edge has checked the signature, read the envelope and, for a slash
               command, recorded its signature (`edge.py`, within `lookup_budget`)
      -> WAITING     the work starts at once; the ack waits for it at most `budget` seconds
                     (`within_budget`; one second by default, leaving room for the network)
      -> ANSWERED    ready in time: the answer rides in the ack itself (`ack_command`). A
                     list the core answered from its cache is the very same view object: its
                     JSON is reused and only its buttons' stamp is new (`Renderings`), so a
                     double click on it stays recognisable (`front.click_key`)
      -> HANDED ON   the work needs Slack first (a person never seen, a form to open: a
                     `trigger_id` lives three seconds): an empty ack now, then the work, and
                     its answer goes through `response_url` (or the form opens)
      -> LATE        the budget ran out: "Working on it…" is the ack, the same work goes on
                     (never started twice) and its answer replaces that message through
                     `response_url`; if it fails, the person is told in its place and the
                     log gets one line (`SlackFrontEnd.spawn`). Work that knows it takes a
                     while (a chart, an export: the command says so, `takes_a_while`) calls
                     `ack_now()` once it has parsed, and goes LATE at once, without waiting
                     out the budget

A form submission is the same with field errors as its answer (`response_action: errors`,
only while WAITING: once LATE, the form is closed and the outcome comes as a message); a
type-ahead has no LATE (empty options, and its answer is dropped: `too_late`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from slack_bolt.response import BoltResponse

from bots.slack import render
from core.views import MilestoneList, View

logger = logging.getLogger(__name__)

T = TypeVar("T")
Payload = dict[str, Any]
Ack = Callable[..., Awaitable[Any]]


#: The waiter of the request being worked on (set while `within_budget` starts its work; the
#: work's task keeps it in its copy of the context).
_waiting: ContextVar[asyncio.Future[None] | None] = ContextVar("cairn_slack_ack_waiter",
                                                               default=None)


def ack_now() -> None:
    """From inside work started by `within_budget`: stop waiting for it, ack it as LATE now
    (it goes on). Does nothing elsewhere."""
    waiter = _waiting.get()
    if waiter is not None and not waiter.done():
        waiter.set_result(None)


async def within_budget(work: Coroutine[Any, Any, T], budget: float) -> asyncio.Future[T] | T:
    """WAITING: the result if ready within `budget` seconds (or until the work calls
    `ack_now`), else the still-running future."""
    # One timer and one waiter: this runs on every request, and wait_for + shield cost
    # several futures and callbacks more for the same effect.
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[None] = loop.create_future()
    token = _waiting.set(waiter)
    try:
        future = asyncio.ensure_future(work)
    finally:
        _waiting.reset(token)

    def wake(_: object = None) -> None:
        if not waiter.done():
            waiter.set_result(None)

    timer = loop.call_later(budget, wake)
    future.add_done_callback(wake)
    try:
        await waiter
    finally:
        timer.cancel()
        future.remove_done_callback(wake)
    return future.result() if future.done() else future


def too_late(future: asyncio.Future[Any]) -> None:
    """An answer that came after its ack: its failure, if any, is retrieved and told once
    (asyncio would log it with a traceback when the future is collected)."""
    if not future.cancelled() and future.exception() is not None:
        logger.info("a type-ahead failed after its ack: %s", type(future.exception()).__name__)


@dataclass(frozen=True, slots=True)
class Reply:
    """An answer to send: in the ack (ANSWERED) or through `response_url` (LATE)."""

    content: Payload | Rendered
    ok: bool = True
    #: A request carried out before (its idempotency key was claimed): nothing was done.
    repeat: bool = False

    @property
    def payload(self) -> Payload:
        content = self.content
        return content.payload if isinstance(content, Rendered) else content

    @property
    def ephemeral_json(self) -> str | None:
        """The ephemeral answer already serialised, when the renderer had it at hand."""
        content = self.content
        return content.ephemeral_json if isinstance(content, Rendered) else None


@dataclass(frozen=True, slots=True)
class Modal:
    """A form to open right after the ack (HANDED ON)."""

    view: Payload


Answer = Reply | Modal

WORKING = "⏳ Working on it…"


async def ack_command(ack: Ack, outcome: asyncio.Future[Answer | None] | Answer | None, *,
                      late: Callable[[asyncio.Future[Answer | None]], None],
                      handed_on: Callable[[], None],
                      open_form: Callable[[Modal], None]) -> None:
    """Acks a slash command for the state its work reached within the budget, and starts what
    follows the ack: `late` (the budget ran out), `handed_on` (Slack must be asked first) or
    `open_form`."""
    if isinstance(outcome, asyncio.Future):
        await ack(response_type="ephemeral", text=WORKING)
        late(outcome)
    elif outcome is None:
        await ack()
        handed_on()
    elif isinstance(outcome, Modal):
        await ack()
        open_form(outcome)
    elif outcome.ephemeral_json is not None:
        # What `ack(response_type="ephemeral", **payload)` would send, minus re-encoding.
        ack.response = BoltResponse(status=200, body=outcome.ephemeral_json)  # type: ignore[attr-defined]
    else:
        await ack(response_type="ephemeral", **outcome.payload)


class Rendered:
    """A message rendered for Slack. A reused one is ready as JSON (`ephemeral_json`, what the
    ack sends); its blocks are re-stamped only if something asks for `payload` (a reply sent
    later through the response URL)."""

    __slots__ = ("_payload", "_restamp", "ephemeral_json")

    def __init__(self, payload: Payload | None = None, ephemeral_json: str | None = None, *,
                 restamp: tuple[Payload, str, str] | None = None) -> None:
        assert payload is not None or restamp is not None
        self._payload = payload
        self._restamp = restamp
        self.ephemeral_json = ephemeral_json

    @property
    def payload(self) -> Payload:
        if self._payload is None:
            assert self._restamp is not None
            self._payload = restamp(*self._restamp)
        return self._payload


class Renderings:
    """Reuses the rendering of a list the core answered with again (a cached answer, the very
    same object): only the stamp of its buttons is new, so double clicks stay recognisable.
    Its JSON is kept too, compact and in UTF-8: a busy `/cairn list` costs no re-encoding."""

    def __init__(self, capacity: int = 1000) -> None:
        self._capacity = capacity
        # Holding the view keeps its id from being reused by another object meanwhile.
        self._done: OrderedDict[int, tuple[View, str, Payload, str]] = OrderedDict()

    def message(self, view: View) -> Rendered:
        if not isinstance(view, MilestoneList):
            return Rendered(render.message(view))
        stamp = render.nonce()
        done = self._done.get(id(view))
        if done is not None and done[0] is view:
            self._done.move_to_end(id(view))
            _, old, payload, body = done
            return Rendered(ephemeral_json=body.replace(f".{old}", f".{stamp}"),
                            restamp=(payload, old, stamp))
        payload = render.message(view, stamp=stamp)
        body = json.dumps({**payload, "response_type": "ephemeral"}, ensure_ascii=False,
                          separators=(",", ":"))
        self._done[id(view)] = (view, stamp, payload, body)
        while len(self._done) > self._capacity:
            self._done.popitem(last=False)
        return Rendered(payload)


def restamp(payload: Payload, old: str, new: str) -> Payload:
    """The payload with `old` replaced by `new` in its block ids (the rest is shared)."""
    mark = f".{old}"
    blocks = [{**b, "block_id": b["block_id"].replace(mark, f".{new}")}
              if mark in b.get("block_id", "") else b for b in payload["blocks"]]
    return {**payload, "blocks": blocks}
