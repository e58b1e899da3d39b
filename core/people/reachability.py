"""Why a platform could not reach a person, as the delivery queue last found it: shown to
admins in `people` (per platform: no chat with Cairn yet, the app uninstalled or blocked, the
person gone). A later successful send on that platform clears it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.model import TenantId, UserId

NAMES = {"slack": "Slack", "teams": "Teams"}


@dataclass(frozen=True, slots=True, kw_only=True)
class ReachNote:
    tenant_id: TenantId
    user_id: UserId
    platform: str
    reason: str  # "" when the platform reached them
    at: datetime


class ReachRecords(Protocol):
    async def note(self, notes: Sequence[ReachNote]) -> None:
        """Keeps the latest reason per person and platform (any tenant); "" forgets it."""
        ...

    async def unreachable(self) -> dict[UserId, list[tuple[str, str]]]:
        """This tenant's people that a platform could not reach: (platform, reason)."""
        ...


def described(found: list[tuple[str, str]]) -> tuple[str, ...]:
    return tuple(f"{NAMES.get(platform, platform)}: {reason}"
                 for platform, reason in sorted(found))
