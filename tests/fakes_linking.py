"""`LinkRepository` in memory, for the core's stories: codes, links, people's identities and
notify choices. The fake has no platform directories (those are the platforms' storage), so
moving a workspace records nothing beyond the link itself."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from core.linking.ports import LinkCode, NotifyChoice, PlatformLink
from core.model import TenantId, UserId
from core.people.reachability import ReachNote
from core.tenancy import User

if TYPE_CHECKING:
    from tests.fakes import InMemoryUnitOfWork


class FakeLinks:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    @property
    def _t(self) -> dict[str, Any]:
        tables: dict[str, Any] = self._uow.store.state.linking
        for name in ("codes", "links", "notify"):
            tables.setdefault(name, {})
        return tables

    async def add_code(self, digest: str, code: LinkCode, *, issued_by: UserId,
                       at: datetime) -> None:
        self._t["codes"][digest] = code

    async def code(self, digest: str) -> LinkCode | None:
        found: LinkCode | None = self._t["codes"].get(digest)
        return found

    async def use_code(self, digest: str, at: datetime) -> bool:
        code = self._t["codes"].get(digest)
        if code is None or code.used_at is not None:
            return False
        self._t["codes"][digest] = dataclasses.replace(code, used_at=at)
        return True

    async def link_of(self, prefix: str) -> PlatformLink | None:
        found: PlatformLink | None = self._t["links"].get(prefix)
        return found

    async def links_to(self, host_id: TenantId) -> list[PlatformLink]:
        return [link for link in self._t["links"].values() if link.host_id == host_id]

    async def record_link(self, link: PlatformLink) -> None:
        self._t["links"][link.prefix] = link

    async def forget_link(self, prefix: str) -> None:
        self._t["links"].pop(prefix, None)

    async def move_workspace(self, prefix: str, *, source: TenantId, target: TenantId) -> None:
        return None  # no platform directories in memory

    async def people_with(self, tenant_id: TenantId, prefix: str
                          ) -> list[tuple[User, list[str]]]:
        s = self._uow.store.state
        keys: dict[int, list[str]] = {}
        for key, user_id in s.identities.items():
            if key.startswith(prefix) and s.users[user_id].tenant_id == tenant_id:
                keys.setdefault(user_id, []).append(key)
        return [(dataclasses.replace(s.users[uid]), found) for uid, found in keys.items()]

    async def all_users(self, tenant_id: TenantId) -> list[User]:
        return [dataclasses.replace(u) for u in self._uow.store.state.users.values()
                if u.tenant_id == tenant_id]

    async def add_user(self, user: User) -> User:
        s = self._uow.store.state
        taken = {u.handle for u in s.users.values() if u.tenant_id == user.tenant_id}
        handle, n = user.handle, 1
        while handle in taken:
            n += 1
            handle = f"{user.handle}{n}"
        added = dataclasses.replace(user, id=UserId(s.next_id()), handle=handle)
        s.users[added.id] = added  # type: ignore[index]
        return dataclasses.replace(added)

    async def move_identity(self, key: str, *, to: User) -> None:
        assert to.id is not None
        self._uow.store.state.identities[key] = to.id

    async def notify_choices(self, user_ids: Collection[UserId]) -> dict[UserId, NotifyChoice]:
        return {uid: c for uid, c in self._t["notify"].items() if uid in user_ids}

    async def save_notify_choice(self, tenant_id: TenantId, user_id: UserId, *,
                                 choice: str | None = None, last_platform: str | None = None
                                 ) -> None:
        known = self._t["notify"].get(user_id, NotifyChoice())
        self._t["notify"][user_id] = NotifyChoice(
            choice=choice if choice is not None else known.choice,
            last_platform=last_platform if last_platform is not None else known.last_platform)


class FakeReach:
    """`ReachRecords` in memory."""

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    @property
    def _rows(self) -> dict[tuple[int, str], tuple[int, str]]:
        rows: dict[tuple[int, str], tuple[int, str]] = self._uow.store.state.linking.setdefault(
            "reach", {})
        return rows

    async def note(self, notes: Sequence[ReachNote]) -> None:
        for n in notes:
            if n.reason:
                self._rows[(n.user_id, n.platform)] = (n.tenant_id, n.reason)
            else:
                self._rows.pop((n.user_id, n.platform), None)

    async def unreachable(self) -> dict[UserId, list[tuple[str, str]]]:
        found: dict[UserId, list[tuple[str, str]]] = {}
        for (user_id, platform), (tenant_id, reason) in sorted(self._rows.items()):
            if tenant_id == self._uow.tenant_id:
                found.setdefault(UserId(user_id), []).append((platform, reason))
        return found
