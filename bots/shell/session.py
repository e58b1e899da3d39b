"""The local terminal front end: one line in, one answer out, on the same core as the chats.

Like errbot's text backend: useful to try Cairn without Slack, and scriptable
(`printf 'list\\nshow #2\\n' | python app.py shell`). Besides the shared grammar it knows
`as @name` (act as someone else, added on first use) and `quit`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import TextIO

from bots.shell.render import PLAIN, Style, render
from core.commands import Actor
from core.errors import DomainError
from core.model import Plan
from core.services import Deps, failure, run_text
from core.services.people import ensure_tenant, join
from core.views import Notice, ProfileView, Tone, View

logger = logging.getLogger(__name__)

QUIT = {"quit", "exit", ":q"}


@dataclass(frozen=True, slots=True)
class Answer:
    text: str
    ok: bool


class ShellSession:
    """One person (switchable with `as @name`) talking to one tenant."""

    def __init__(self, deps: Deps, actor: Actor, tenant_slug: str, timezone: str) -> None:
        self.deps = deps
        self.actor = actor
        self.tenant_slug = tenant_slug
        self.timezone = timezone

    @classmethod
    async def open(cls, deps: Deps, *, tenant: str, user: str, timezone: str = "UTC",
                   plan: Plan = Plan.FREE) -> ShellSession:
        """Enters a tenant as a user, creating both on first use (the first user is admin)."""
        found = await ensure_tenant(deps, slug=tenant, name=tenant, plan=plan, timezone=timezone)
        assert found.id is not None
        # Shell users are known by handle, so the demo's @alice is the shell's @alice.
        actor = await join(deps, found.id, handle=user, display_name=user, timezone=timezone)
        return cls(deps, actor, found.slug, timezone)

    async def answer(self, line: str, style: Style = PLAIN) -> Answer | None:
        """The answer to one line; None for blank lines and comments."""
        line = line.strip()
        if not line or line.startswith("//"):
            return None
        try:
            view = await self._view(line)
        except DomainError as error:
            view = failure(error)
        except Exception:
            ref = secrets.token_hex(2)
            logger.exception("shell command failed (ref %s): %r", ref, line[:200])
            view = Notice(text=f"Something went wrong (ref {ref}). Nothing was changed.",
                          tone=Tone.ERROR)
        ok = not (isinstance(view, Notice) and view.tone == Tone.ERROR)
        return Answer(render(view, style), ok)

    async def _view(self, line: str) -> View:
        word, _, rest = line.partition(" ")
        if word.lower() == "as":
            return await self._switch(rest.strip())
        view = await run_text(line, self.actor, self.deps)
        if isinstance(view, ProfileView) and view.headline and view.person.is_you:
            self.actor = await self._rejoin(self.actor.handle)
        return view

    async def _switch(self, who: str) -> View:
        handle = who.removeprefix("@").strip().lower()
        if not handle or " " in handle:
            return Notice(text="Who should I act as?", tone=Tone.ERROR, hint="as @bob")
        self.actor = await self._rejoin(handle)
        return Notice(text=f"You are now @{self.actor.handle} in {self.tenant_slug}.",
                      tone=Tone.INFO, hint="`me` shows your profile and role")

    async def _rejoin(self, handle: str) -> Actor:
        return await join(self.deps, self.actor.tenant_id, handle=handle, display_name=handle,
                          timezone=self.timezone)

    @property
    def prompt(self) -> str:
        return f"{self.tenant_slug} @{self.actor.handle}> "

    async def run(
        self,
        lines: AsyncIterator[str],
        write: Callable[[str], None],
        *,
        style: Style = PLAIN,
        separate: bool = False,
    ) -> int:
        """Answers every line; returns 1 if any answer was an error (for scripts), else 0."""
        status = 0
        async for line in lines:
            if line.strip().lower() in QUIT:
                break
            answer = await self.answer(line, style)
            if answer is None:
                continue
            write(answer.text + ("\n\n" if separate else "\n"))
            status |= 0 if answer.ok else 1
        return status


async def piped_lines(stream: TextIO) -> AsyncIterator[str]:
    """Lines of a non-interactive stdin, read off the event loop."""
    while True:
        line = await asyncio.to_thread(stream.readline)
        if not line:
            return
        yield line


async def prompted_lines(session: ShellSession) -> AsyncIterator[str]:
    """Lines typed at a prompt (with readline editing when available)."""
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401 - enables line editing and history for input()
    while True:
        try:
            yield await asyncio.to_thread(input, session.prompt)
        except EOFError:
            print()
            return
