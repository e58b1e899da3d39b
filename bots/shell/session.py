"""The local terminal front end: one line in, one answer out, on the same core as the chats.

Like errbot's text backend: useful to try Cairn without Slack, and scriptable
(`printf 'list\\nshow #2\\n' | python3 dev.py shell`). Besides the shared grammar it knows
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

from bots.shell.progress import ProgressBar
from bots.shell.render import PLAIN, Style, render
from core.bus import Deps, execute, failure, run_text
from core.commands import Actor
from core.errors import DomainError
from core.nudges.commands import ShowNudgeFeed
from core.nudges.views import NudgeFeed
from core.people.use_cases import ensure_tenant, join
from core.reports.exporting import export_progress
from core.tenancy import Plan
from core.views import Notice, ProfileView, Tone, View

logger = logging.getLogger(__name__)

QUIT = {"quit", "exit", ":q"}
#: Nudges shown in full when a person arrives (their unread ones), and after each line.
ON_ARRIVAL, AFTER_EACH_LINE = 2, 3


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
        # The last inbox receipt shown: nudges that arrive later are shown after the next line,
        # like a chat shows new messages; a person arriving sees their unread ones once.
        self.cursor = 0
        self._arriving = True
        #: Where an export's progress bar is drawn (the terminal's stderr); None: nowhere.
        self.progress: ProgressBar | None = None

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
        told = export_progress.set(self.progress)
        try:
            view = await run_text(line, self.actor, self.deps)
        finally:
            export_progress.reset(told)
            if self.progress is not None:
                self.progress.close()
        if isinstance(view, ProfileView) and view.headline and view.person.is_you:
            self.actor = await self._rejoin(self.actor.handle)
        return view

    async def _switch(self, who: str) -> View:
        handle = who.removeprefix("@").strip().lower()
        if not handle or " " in handle:
            return Notice(text="Who should I act as?", tone=Tone.ERROR, hint="as @bob")
        self.actor = await self._rejoin(handle)
        self.cursor, self._arriving = 0, True
        return Notice(text=f"You are now @{self.actor.handle} in {self.tenant_slug}.",
                      tone=Tone.INFO, hint="`me` shows your profile and role")

    async def _rejoin(self, handle: str) -> Actor:
        return await join(self.deps, self.actor.tenant_id, handle=handle, display_name=handle,
                          timezone=self.timezone)

    async def arrivals(self, style: Style = PLAIN) -> str | None:
        """Nudges that reached this person's inbox since the last look, rendered; None if none.

        On arrival (session start, `as @name`) their unread ones; afterwards only new ones.
        """
        arriving, self._arriving = self._arriving, False
        try:
            view = await execute(ShowNudgeFeed(
                actor=self.actor, after=self.cursor, unread_only=arriving,
                limit=ON_ARRIVAL if arriving else AFTER_EACH_LINE), self.deps)
        except Exception:  # the feed must never break the conversation
            logger.exception("could not show new nudges for @%s", self.actor.handle)
            return None
        self.cursor = max(self.cursor, view.cursor)
        if not view.items:
            return None
        if arriving:
            view = NudgeFeed(headline=view.headline.replace("🔔", "🔔 Unread:", 1),
                             items=view.items, more=view.more, cursor=view.cursor)
        return render(view, style)

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
        gap = "\n\n" if separate else "\n"
        if (news := await self.arrivals(style)) is not None:
            write(news + gap)
        async for line in lines:
            if line.strip().lower() in QUIT:
                break
            answer = await self.answer(line, style)
            if answer is None:
                continue
            write(answer.text + gap)
            status |= 0 if answer.ok else 1
            if (news := await self.arrivals(style)) is not None:
                write(news + gap)
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
