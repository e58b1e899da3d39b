"""What the Slack front end needs from storage, as Protocols (implemented by
`storage.slack.TortoiseSlackStore`, passed in by `wiring.slack`).

Workspaces are keyed by `(enterprise_id, team_id)` with "" for an absent part. Tokens reach
storage only encrypted (`secrets`), so the store cannot leak what it cannot read.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, Protocol


class WorkspaceDirectory(Protocol):
    async def tenant_of(self, enterprise_id: str, team_id: str) -> int | None:
        """The tenant a workspace belongs to, if it has one."""
        ...

    async def link_workspace(self, enterprise_id: str, team_id: str, tenant_id: int, *,
                             name: str, at: datetime) -> int:
        """Links a workspace to a tenant unless it has one already; returns the tenant."""
        ...

    async def workspaces_of(self, tenant_id: int) -> list[tuple[str, str]]: ...


class InstallationRepository(Protocol):
    async def save_installation(
        self, enterprise_id: str, team_id: str, *, is_enterprise_install: bool,
        installer_user_id: str, data: dict[str, Any], secrets: str, installed_at: datetime,
        at: datetime,
    ) -> None:
        """Keeps the latest installation of a workspace (replacing an older one)."""
        ...

    async def find_installation(self, enterprise_id: str, team_id: str
                                ) -> dict[str, Any] | None:
        """`{"data", "secrets", "is_enterprise_install", "installer_user_id", "installed_at"}`."""
        ...

    async def delete_installation(self, enterprise_id: str, team_id: str) -> int: ...


class OAuthStates(Protocol):
    async def issue_state(self, state: str, *, expires_at: datetime) -> None: ...

    async def consume_state(self, state: str, *, now: datetime) -> bool:
        """True once for an issued state that has not expired."""
        ...


class ProcessedKeys(Protocol):
    """Requests already acted on: the first claim of a key wins, every later one is a repeat."""

    async def claim_key(self, key: str, *, tenant_id: int | None, at: datetime) -> bool: ...

    async def release_key(self, key: str) -> None: ...

    async def forget_keys(self, *, before: datetime) -> int: ...


class SeenRequests(Protocol):
    """Signatures of the slash commands accepted lately: Slack never sends the same one twice,
    so a second sight of one is a replay."""

    async def first_sight(self, digest: str, *, team_id: str, at: datetime) -> bool:
        """True the first time a signature digest is recorded, False ever after (any
        instance); the record is one short transaction of its own."""
        ...

    async def forget_seen(self, *, before: datetime) -> int:
        """Drops the records made before `before`; returns how many."""
        ...


class CardMessages(Protocol):
    """Where each milestone's card lives in its home channel."""

    async def card_of(self, tenant_id: int, milestone_id: int) -> tuple[str, str] | None: ...

    async def save_card(self, tenant_id: int, milestone_id: int, *, channel: str, ts: str,
                        at: datetime) -> None: ...

    async def forget_card(self, tenant_id: int, milestone_id: int) -> None: ...


class SlackMembers(Protocol):
    """The Slack user behind each Cairn user who came through Slack."""

    async def link_member(self, tenant_id: int, user_id: int, *, team_id: str,
                          slack_user_id: str) -> None: ...

    async def slack_users_of(self, tenant_id: int, user_ids: Collection[int]
                             ) -> dict[int, tuple[str, str]]: ...


class SlackStore(WorkspaceDirectory, InstallationRepository, OAuthStates, ProcessedKeys,
                 SeenRequests, CardMessages, SlackMembers, Protocol):
    """Everything above, as one object."""
