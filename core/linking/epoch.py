"""Front ends cache which tenant a Slack workspace or Teams tenant belongs to, and who each
person is. A link or unlink changes both: it bumps this counter once committed, and a cache
that sees a new value forgets what it holds (other instances catch up when their entries
expire)."""

from __future__ import annotations


class LinkEpoch:
    def __init__(self) -> None:
        self.value = 0

    def bump(self) -> None:
        self.value += 1
