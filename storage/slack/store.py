"""The Slack front end's tables behind the ports it declares (`bots.slack.ports`).

Each call is one short transaction of its own. Rows that belong to a tenant (cards, members,
workspaces) are always read and written with the tenant in the filter. Installations and OAuth
states are looked up by workspace before any tenant is known: that lookup is what finds the
tenant in the first place.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

from storage.mapping import utc
from storage.slack.models import (
    SlackCardMessageRow,
    SlackInstallationRow,
    SlackMemberRow,
    SlackOAuthStateRow,
    SlackProcessedKeyRow,
    SlackSeenRequestRow,
    SlackWorkspaceRow,
)
from storage.unit_of_work import TortoiseUnitOfWorkFactory


class TortoiseSlackStore:
    """Workspaces, installations, OAuth states, processed keys, seen request signatures,
    card messages and members."""

    def __init__(self, uow: TortoiseUnitOfWorkFactory) -> None:
        self._uow = uow

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[BaseDBAsyncClient]:
        async with self._uow() as tx:
            yield await tx.connection()
            await tx.commit()

    # --- workspaces -------------------------------------------------------------------------

    async def tenant_of(self, enterprise_id: str, team_id: str) -> int | None:
        async with self._transaction() as db:
            row = await SlackWorkspaceRow.filter(
                enterprise_id=enterprise_id, team_id=team_id).using_db(db).first()
            return row.tenant_id if row else None

    async def link_workspace(self, enterprise_id: str, team_id: str, tenant_id: int, *,
                             name: str, at: datetime) -> int:
        """Links a workspace to a tenant unless it already has one; returns its tenant."""
        async with self._transaction() as db:
            existing = await SlackWorkspaceRow.filter(
                enterprise_id=enterprise_id, team_id=team_id).using_db(db).first()
            if existing is not None:
                return existing.tenant_id
            try:
                async with db._in_transaction() as savepoint:
                    await SlackWorkspaceRow.create(
                        using_db=savepoint, enterprise_id=enterprise_id, team_id=team_id,
                        tenant_id=tenant_id, name=name[:200], created_at=utc(at))
            except IntegrityError:
                # Another request linked it a moment ago: theirs stands.
                row = await SlackWorkspaceRow.filter(
                    enterprise_id=enterprise_id, team_id=team_id).using_db(db).first()
                assert row is not None
                return row.tenant_id
            return tenant_id

    async def workspaces_of(self, tenant_id: int) -> list[tuple[str, str]]:
        async with self._transaction() as db:
            rows = await SlackWorkspaceRow.filter(tenant_id=tenant_id).using_db(db).order_by("id")
            return [(row.enterprise_id, row.team_id) for row in rows]

    # --- installations ----------------------------------------------------------------------

    async def save_installation(
        self, enterprise_id: str, team_id: str, *, is_enterprise_install: bool,
        installer_user_id: str, data: dict[str, Any], secrets: str, installed_at: datetime,
        at: datetime,
    ) -> None:
        columns: dict[str, Any] = {
            "is_enterprise_install": is_enterprise_install, "installer_user_id": installer_user_id,
            "data": data, "secrets": secrets, "installed_at": utc(installed_at),
            "updated_at": utc(at)}
        async with self._transaction() as db:
            changed = await SlackInstallationRow.filter(
                enterprise_id=enterprise_id, team_id=team_id).using_db(db).update(**columns)
            if changed:
                return
            try:
                async with db._in_transaction() as savepoint:
                    await SlackInstallationRow.create(
                        using_db=savepoint, enterprise_id=enterprise_id, team_id=team_id,
                        **columns)
            except IntegrityError:
                await SlackInstallationRow.filter(
                    enterprise_id=enterprise_id, team_id=team_id).using_db(db).update(**columns)

    async def find_installation(self, enterprise_id: str, team_id: str) -> dict[str, Any] | None:
        async with self._transaction() as db:
            row = await SlackInstallationRow.filter(
                enterprise_id=enterprise_id, team_id=team_id).using_db(db).first()
            if row is None:
                return None
            return {"data": dict(row.data), "secrets": row.secrets,
                    "is_enterprise_install": row.is_enterprise_install,
                    "installer_user_id": row.installer_user_id,
                    "installed_at": row.installed_at}

    async def delete_installation(self, enterprise_id: str, team_id: str) -> int:
        async with self._transaction() as db:
            return await SlackInstallationRow.filter(
                enterprise_id=enterprise_id, team_id=team_id).using_db(db).delete()

    # --- OAuth states -----------------------------------------------------------------------

    async def issue_state(self, state: str, *, expires_at: datetime) -> None:
        async with self._transaction() as db:
            await SlackOAuthStateRow.create(using_db=db, state=state, expires_at=utc(expires_at))

    async def consume_state(self, state: str, *, now: datetime) -> bool:
        """True once for a state that was issued and has not expired; never twice."""
        async with self._transaction() as db:
            deleted = await SlackOAuthStateRow.filter(
                state=state, expires_at__gt=utc(now)).using_db(db).delete()
            await SlackOAuthStateRow.filter(expires_at__lte=utc(now)).using_db(db).delete()
            return deleted == 1

    # --- processed keys ---------------------------------------------------------------------

    async def claim_key(self, key: str, *, tenant_id: int | None, at: datetime) -> bool:
        """True for the first claim of a key; False when it was claimed before."""
        # One statement, a transaction by itself: a conflict inserts nothing and aborts nothing.
        return bool(await self._uow.one_statement(
            "INSERT INTO slack_processed_keys (key, tenant_id, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO NOTHING RETURNING id", [key, tenant_id, utc(at)]))

    async def release_key(self, key: str) -> None:
        async with self._transaction() as db:
            await SlackProcessedKeyRow.filter(key=key).using_db(db).delete()

    async def forget_keys(self, *, before: datetime) -> int:
        async with self._transaction() as db:
            return await SlackProcessedKeyRow.filter(
                created_at__lt=utc(before)).using_db(db).delete()

    # --- signatures of accepted slash commands ---------------------------------------------

    async def first_sight(self, digest: str, *, team_id: str, at: datetime) -> bool:
        """True the first time a digest is recorded; False when any instance recorded it."""
        # On every slash command's path, before the ack: one statement, no BEGIN or COMMIT.
        return bool(await self._uow.one_statement(
            "INSERT INTO slack_seen_requests (digest, team_id, seen_at) VALUES (?, ?, ?) "
            "ON CONFLICT (digest) DO NOTHING RETURNING id", [digest[:64], team_id[:32], utc(at)]))

    async def forget_seen(self, *, before: datetime) -> int:
        async with self._transaction() as db:
            return await SlackSeenRequestRow.filter(seen_at__lt=utc(before)).using_db(db).delete()

    # --- card messages ----------------------------------------------------------------------

    async def card_of(self, tenant_id: int, milestone_id: int) -> tuple[str, str] | None:
        # Asked for every change the outbox delivers, and most milestones have no card: one
        # statement of its own, without the ORM.
        rows = await self._uow.one_statement(
            "SELECT channel, ts FROM slack_card_messages WHERE tenant_id = ? AND milestone_id = ?",
            [tenant_id, milestone_id])
        return (str(rows[0]["channel"]), str(rows[0]["ts"])) if rows else None

    async def save_card(self, tenant_id: int, milestone_id: int, *, channel: str, ts: str,
                        at: datetime) -> None:
        async with self._transaction() as db:
            changed = await SlackCardMessageRow.filter(
                tenant_id=tenant_id, milestone_id=milestone_id).using_db(db).update(
                channel=channel, ts=ts, updated_at=utc(at))
            if not changed:
                await SlackCardMessageRow.create(using_db=db, tenant_id=tenant_id,
                                                 milestone_id=milestone_id, channel=channel,
                                                 ts=ts, updated_at=utc(at))

    async def forget_card(self, tenant_id: int, milestone_id: int) -> None:
        async with self._transaction() as db:
            await SlackCardMessageRow.filter(
                tenant_id=tenant_id, milestone_id=milestone_id).using_db(db).delete()

    # --- members ----------------------------------------------------------------------------

    async def link_member(self, tenant_id: int, user_id: int, *, team_id: str,
                          slack_user_id: str) -> None:
        async with self._transaction() as db:
            existing = await SlackMemberRow.filter(
                team_id=team_id, slack_user_id=slack_user_id).using_db(db).first()
            if existing is not None:
                if existing.tenant_id == tenant_id and existing.user_id != user_id:
                    await SlackMemberRow.filter(id=existing.id).using_db(db).update(
                        user_id=user_id)
                return
            try:
                async with db._in_transaction() as savepoint:
                    await SlackMemberRow.create(using_db=savepoint, tenant_id=tenant_id,
                                                user_id=user_id, team_id=team_id,
                                                slack_user_id=slack_user_id)
            except IntegrityError:
                return  # linked by a concurrent request

    async def slack_users_of(self, tenant_id: int, user_ids: Collection[int]
                             ) -> dict[int, tuple[str, str]]:
        """Cairn user id -> (team id, Slack user id), for the users of this tenant given."""
        if not user_ids:
            return {}
        async with self._transaction() as db:
            rows = await SlackMemberRow.filter(
                tenant_id=tenant_id, user_id__in=list(user_ids)).using_db(db).order_by("id")
            found: dict[int, tuple[str, str]] = {}
            for row in rows:
                found.setdefault(row.user_id, (row.team_id, row.slack_user_id))
            return found
