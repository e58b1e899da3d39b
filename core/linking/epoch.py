"""Front ends cache which tenant a Slack workspace or Teams tenant belongs to, and who each
person is. A link or unlink changes both, so each cache remembers the epoch it was filled in
and forgets everything when `current()` answers another number.

The epoch is shared by every instance: a link moves a counter in the database, in the same
transaction as the move (`LinkRepository.move_workspace`), and `current()` asks `shared` for it
(storage answers from a read at most a second old), so another instance stops using its cached
tenants within about a second of the link's commit. The instance that linked knows at once
(`bump`). Without a shared reader (tests, one-off tools) only this process's bumps count.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable


class LinkEpoch:
    def __init__(self, shared: Callable[[], Awaitable[int]] | None = None) -> None:
        self._shared = shared
        self._bumps = 0  # this process's own links and unlinks
        self._seen = 0  # the shared counter, as last read

    @property
    def value(self) -> int:
        # Both parts only grow, so a change in either is a new value.
        return self._bumps + self._seen

    def bump(self) -> None:
        self._bumps += 1

    async def current(self) -> int:
        """The epoch: this process's bumps and the shared counter together."""
        if self._shared is not None:
            # When the database is away, the request's own reads say so; the epoch in hand
            # stays until it is back.
            with contextlib.suppress(Exception):
                self._seen = max(self._seen, await self._shared())
        return self.value
