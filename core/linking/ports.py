"""What linking needs from storage (`tx.links`). Unlike the tenant-scoped repositories, these
calls name both tenants: a link moves rows from one to the other, inside the caller's unit of
work, so a link is all or nothing.

A platform workspace is named by its identity prefix: `slack:<team id>:` is a Slack workspace,
`teams:<tenant id>:` a Teams (Entra) tenant; the identities of its people start with it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.model import TenantId, UserId
from core.tenancy import User


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkCode:
    tenant_id: TenantId
    platform: str  # where it is to be typed: "slack" or "teams"
    expires_at: datetime
    used_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PlatformLink:
    """A workspace that joined a host tenant, and the tenant it came from."""

    prefix: str
    host_id: TenantId
    origin_id: TenantId
    linked_at: datetime

    @property
    def platform(self) -> str:
        return self.prefix.split(":", 1)[0]


@dataclass(frozen=True, slots=True, kw_only=True)
class NotifyChoice:
    choice: str = "last"  # last, slack, teams or both
    last_platform: str = ""


class LinkRepository(Protocol):
    async def add_code(self, digest: str, code: LinkCode, *, issued_by: UserId,
                       at: datetime) -> None: ...

    async def code(self, digest: str) -> LinkCode | None:
        """The code with this digest, used or not, expired or not."""
        ...

    async def use_code(self, digest: str, at: datetime) -> bool:
        """Marks it used; False when it already was (the first redeemer wins)."""
        ...

    async def link_of(self, prefix: str) -> PlatformLink | None: ...

    async def links_to(self, host_id: TenantId) -> list[PlatformLink]: ...

    async def record_link(self, link: PlatformLink) -> None: ...

    async def forget_link(self, prefix: str) -> None: ...

    async def move_workspace(self, prefix: str, *, source: TenantId, target: TenantId) -> None:
        """Points the workspace (its directory entry, its channels and chats) at `target`."""
        ...

    async def people_with(self, tenant_id: TenantId, prefix: str
                          ) -> list[tuple[User, list[str]]]:
        """The users of a tenant holding identities of this workspace, with those identities."""
        ...

    async def all_users(self, tenant_id: TenantId) -> list[User]: ...

    async def add_user(self, user: User) -> User:
        """A new user in `user.tenant_id` (the handle made unique there)."""
        ...

    async def move_identity(self, key: str, *, to: User) -> None:
        """The identity (and what each platform keeps per person: personal chats, member rows)
        now belongs to `to`."""
        ...

    async def notify_choices(self, user_ids: Collection[UserId]) -> dict[UserId, NotifyChoice]:
        ...

    async def save_notify_choice(self, tenant_id: TenantId, user_id: UserId, *,
                                 choice: str | None = None, last_platform: str | None = None
                                 ) -> None: ...
