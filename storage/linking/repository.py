"""`LinkRepository` on tortoise. A link moves rows between two tenants inside the caller's unit
of work: the workspace's directory entry, its Teams channels and chats, its people's identities
with what each platform keeps per person. Nothing is deleted on either side."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from tortoise.exceptions import IntegrityError

from core.linking.ports import LinkCode, NotifyChoice, PlatformLink
from core.model import TenantId, UserId
from core.tenancy import User
from storage.linking.models import LinkCodeRow, NotifyChoiceRow, PlatformLinkRow
from storage.mapping import user_columns, user_from, utc
from storage.models import UserIdentityRow, UserRow
from storage.scoped import Repository
from storage.versions import BUMP_VERSION, LINK_EPOCH_ROW


def _parts(prefix: str) -> tuple[str, str]:
    platform, _, rest = prefix.partition(":")
    return platform, rest.rstrip(":")


class TortoiseLinks(Repository):
    # --- codes --------------------------------------------------------------------------------
    async def add_code(self, digest: str, code: LinkCode, *, issued_by: UserId,
                       at: datetime) -> None:
        await LinkCodeRow.create(using_db=await self.db(), digest=digest,
                                 tenant_id=code.tenant_id, platform=code.platform,
                                 issued_by=issued_by, created_at=utc(at),
                                 expires_at=utc(code.expires_at))

    async def code(self, digest: str) -> LinkCode | None:
        row = await LinkCodeRow.filter(digest=digest).using_db(await self.db()).first()
        if row is None:
            return None
        return LinkCode(tenant_id=TenantId(row.tenant_id), platform=row.platform,
                        expires_at=row.expires_at, used_at=row.used_at)

    async def use_code(self, digest: str, at: datetime) -> bool:
        changed = await LinkCodeRow.filter(digest=digest, used_at__isnull=True).using_db(
            await self.db()).update(used_at=utc(at))
        return changed == 1

    # --- links --------------------------------------------------------------------------------
    @staticmethod
    def _link(row: PlatformLinkRow) -> PlatformLink:
        return PlatformLink(prefix=row.prefix, host_id=TenantId(row.host_id),
                            origin_id=TenantId(row.origin_id), linked_at=row.linked_at)

    async def link_of(self, prefix: str) -> PlatformLink | None:
        row = await PlatformLinkRow.filter(prefix=prefix).using_db(await self.db()).first()
        return self._link(row) if row else None

    async def links_to(self, host_id: TenantId) -> list[PlatformLink]:
        rows = await PlatformLinkRow.filter(host_id=host_id).using_db(await self.db()).order_by(
            "id")
        return [self._link(row) for row in rows]

    async def record_link(self, link: PlatformLink) -> None:
        await PlatformLinkRow.create(using_db=await self.db(), prefix=link.prefix,
                                     host_id=link.host_id, origin_id=link.origin_id,
                                     linked_at=utc(link.linked_at))

    async def forget_link(self, prefix: str) -> None:
        await PlatformLinkRow.filter(prefix=prefix).using_db(await self.db()).delete()

    # --- moving a workspace and its people ----------------------------------------------------
    async def move_workspace(self, prefix: str, *, source: TenantId, target: TenantId) -> None:
        # Imported here: the platforms' packages import the unit of work, which imports this.
        from storage.slack.models import SlackWorkspaceRow
        from storage.teams.models import TeamsConversationReferenceRow, TeamsTenantRow

        db = await self.db()
        platform, key = _parts(prefix)
        if platform == "teams":
            await TeamsTenantRow.filter(teams_tenant_id=key, tenant_id=source).using_db(
                db).update(tenant_id=target)
            await TeamsConversationReferenceRow.filter(
                teams_tenant_id=key, tenant_id=source).using_db(db).update(tenant_id=target)
        elif platform == "slack":
            await SlackWorkspaceRow.filter(team_id=key, tenant_id=source).using_db(db).update(
                tenant_id=target)
        else:
            raise ValueError(f"no workspace directory for {platform!r}")
        # Every instance's cache of which tenant a workspace (and its people) belongs to
        # forgets it once this commits (`core.linking.epoch`).
        await db.execute_query(BUMP_VERSION[self._session.dialect], [LINK_EPOCH_ROW])

    async def people_with(self, tenant_id: TenantId, prefix: str
                          ) -> list[tuple[User, list[str]]]:
        db = await self.db()
        rows = await UserIdentityRow.filter(tenant_id=tenant_id,
                                            key__startswith=prefix).using_db(db).order_by("id")
        keys: dict[int, list[str]] = {}
        for row in rows:
            keys.setdefault(row.user_id, []).append(row.key)
        users = await UserRow.filter(tenant_id=tenant_id, id__in=list(keys)).using_db(
            db).order_by("id")
        return [(user_from(u), keys[u.id]) for u in users]

    async def all_users(self, tenant_id: TenantId) -> list[User]:
        rows = await UserRow.filter(tenant_id=tenant_id).using_db(await self.db()).order_by("id")
        return [user_from(row) for row in rows]

    async def add_user(self, user: User) -> User:
        db = await self.db()
        handle, n = user.handle, 1
        while await UserRow.filter(tenant_id=user.tenant_id, handle=handle).using_db(
                db).exists():
            n += 1
            handle = f"{user.handle}{n}"
        columns = user_columns(user)
        columns["handle"] = handle
        columns.pop("id", None)
        row = await UserRow.create(using_db=db, **columns)
        return user_from(row)

    async def move_identity(self, key: str, *, to: User) -> None:
        from storage.slack.models import SlackMemberRow
        from storage.teams.models import TeamsPersonalReferenceRow

        assert to.id is not None
        db = await self.db()
        row = await UserIdentityRow.filter(key=key).using_db(db).first()
        if row is None:
            return
        await UserIdentityRow.filter(id=row.id).using_db(db).update(tenant_id=to.tenant_id,
                                                                    user_id=to.id)
        platform, rest = key.split(":", 1)
        workspace, _, person = rest.rpartition(":")
        if platform == "teams":
            await TeamsPersonalReferenceRow.filter(
                teams_tenant_id=workspace, aad_object_id=person).using_db(db).update(
                tenant_id=to.tenant_id, user_id=to.id)
        elif platform == "slack":
            await SlackMemberRow.filter(team_id=workspace, slack_user_id=person).using_db(
                db).update(tenant_id=to.tenant_id, user_id=to.id)

    # --- notify choices -----------------------------------------------------------------------
    async def notify_choices(self, user_ids: Collection[UserId]) -> dict[UserId, NotifyChoice]:
        if not user_ids:
            return {}
        rows = await NotifyChoiceRow.filter(user_id__in=list(user_ids)).using_db(await self.db())
        return {UserId(r.user_id): NotifyChoice(choice=r.choice, last_platform=r.last_platform)
                for r in rows}

    async def save_notify_choice(self, tenant_id: TenantId, user_id: UserId, *,
                                 choice: str | None = None, last_platform: str | None = None
                                 ) -> None:
        db = await self.db()
        columns = {"tenant_id": tenant_id,
                   **({"choice": choice} if choice is not None else {}),
                   **({"last_platform": last_platform} if last_platform is not None else {})}
        if await NotifyChoiceRow.filter(user_id=user_id).using_db(db).update(**columns):
            return
        try:
            async with db._in_transaction() as savepoint:
                await NotifyChoiceRow.create(using_db=savepoint, user_id=user_id, **columns)
        except IntegrityError:  # saved a moment ago by a concurrent request
            await NotifyChoiceRow.filter(user_id=user_id).using_db(db).update(**columns)
