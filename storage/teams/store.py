"""The Teams front end's tables behind the ports it declares (`bots.teams.ports`).

Each call is one short transaction of its own. Rows that belong to a Cairn tenant (references)
are read with the tenant in the filter; Teams tenants are looked up by their own id first,
since that lookup is what finds the Cairn tenant. Saving a reference is an upsert that a
concurrent save of the same key cannot turn into a duplicate or an error: the unique key
decides, and the later write wins.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.models import Model

from storage.mapping import utc
from storage.teams.models import (
    TeamsCardRow,
    TeamsConversationReferenceRow,
    TeamsPersonalReferenceRow,
    TeamsProcessedKeyRow,
    TeamsTenantRow,
)
from storage.unit_of_work import TortoiseUnitOfWorkFactory

MAX_ID = 255  # the ports' limit, as the columns hold it
KINDS = ("channel", "groupChat")


def _check_ids(**ids: str) -> None:
    for name, value in ids.items():
        if not value or len(value) > MAX_ID:
            raise ValueError(f"{name} must be 1 to {MAX_ID} characters")


@dataclass(frozen=True, slots=True)
class TeamsConversation:
    """A channel or group chat as last seen (what `bots.teams.ports.StoredConversation`
    describes)."""

    tenant_id: int
    teams_tenant_id: str
    conversation_id: str
    kind: str
    reference: dict[str, Any]
    team_id: str
    name: str
    updated_at: datetime

    @classmethod
    def of(cls, row: TeamsConversationReferenceRow) -> TeamsConversation:
        return cls(tenant_id=row.tenant_id, teams_tenant_id=row.teams_tenant_id,
                   conversation_id=row.conversation_id, kind=row.kind,
                   reference=dict(row.reference), team_id=row.team_id, name=row.name,
                   updated_at=row.updated_at)


class TortoiseTeamsStore:
    """Teams tenants and conversation references."""

    def __init__(self, uow: TortoiseUnitOfWorkFactory) -> None:
        self._uow = uow

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[BaseDBAsyncClient]:
        async with self._uow() as tx:
            yield await tx.connection()
            await tx.commit()

    @staticmethod
    async def _upsert(db: BaseDBAsyncClient, model: type[Model], key: dict[str, Any],
                      columns: dict[str, Any]) -> None:
        if await model.filter(**key).using_db(db).update(**columns):
            return
        try:
            async with db._in_transaction() as savepoint:
                await model.create(using_db=savepoint, **key, **columns)
        except IntegrityError:
            # Saved by a concurrent request a moment ago: this, the later write, wins.
            await model.filter(**key).using_db(db).update(**columns)

    # --- Teams tenants ------------------------------------------------------------------------

    async def tenant_of(self, teams_tenant_id: str) -> int | None:
        if not teams_tenant_id or len(teams_tenant_id) > MAX_ID:
            return None
        async with self._transaction() as db:
            row = await TeamsTenantRow.filter(teams_tenant_id=teams_tenant_id).using_db(db).first()
            return row.tenant_id if row else None

    async def link_teams_tenant(self, teams_tenant_id: str, tenant_id: int, *, name: str,
                                at: datetime) -> int:
        _check_ids(teams_tenant_id=teams_tenant_id)
        async with self._transaction() as db:
            existing = await TeamsTenantRow.filter(
                teams_tenant_id=teams_tenant_id).using_db(db).first()
            if existing is not None:
                return existing.tenant_id
            try:
                async with db._in_transaction() as savepoint:
                    await TeamsTenantRow.create(using_db=savepoint,
                                                teams_tenant_id=teams_tenant_id,
                                                tenant_id=tenant_id, name=name[:200],
                                                created_at=utc(at))
            except IntegrityError:
                # Another request linked it a moment ago: theirs stands.
                row = await TeamsTenantRow.filter(
                    teams_tenant_id=teams_tenant_id).using_db(db).first()
                assert row is not None
                return row.tenant_id
            return tenant_id

    async def teams_tenants_of(self, tenant_id: int) -> list[str]:
        async with self._transaction() as db:
            rows = await TeamsTenantRow.filter(tenant_id=tenant_id).using_db(db).order_by("id")
            return [row.teams_tenant_id for row in rows]

    # --- personal chats -----------------------------------------------------------------------

    async def save_personal_reference(self, tenant_id: int, user_id: int, *,
                                      teams_tenant_id: str, aad_object_id: str,
                                      reference: dict[str, Any], at: datetime) -> None:
        conversation_id = str((reference.get("conversation") or {}).get("id") or "")
        _check_ids(teams_tenant_id=teams_tenant_id, aad_object_id=aad_object_id,
                   conversation_id=conversation_id)
        async with self._transaction() as db:
            await self._upsert(db, TeamsPersonalReferenceRow,
                               {"teams_tenant_id": teams_tenant_id,
                                "aad_object_id": aad_object_id},
                               {"tenant_id": tenant_id, "user_id": user_id,
                                "conversation_id": conversation_id, "reference": reference,
                                "updated_at": utc(at)})

    async def personal_references_of(self, tenant_id: int, user_ids: Collection[int]
                                     ) -> dict[int, dict[str, Any]]:
        if not user_ids:
            return {}
        async with self._transaction() as db:
            rows = await TeamsPersonalReferenceRow.filter(
                tenant_id=tenant_id, user_id__in=list(user_ids)).using_db(db).order_by(
                "-updated_at", "-id")
            found: dict[int, dict[str, Any]] = {}
            for row in rows:  # a person in two Teams tenants: the one seen last
                found.setdefault(row.user_id, dict(row.reference))
            return found

    async def personal_reference(self, teams_tenant_id: str, aad_object_id: str
                                 ) -> dict[str, Any] | None:
        async with self._transaction() as db:
            row = await TeamsPersonalReferenceRow.filter(
                teams_tenant_id=teams_tenant_id, aad_object_id=aad_object_id).using_db(db).first()
            return dict(row.reference) if row else None

    # --- channels and group chats -------------------------------------------------------------

    async def save_conversation_reference(self, tenant_id: int, *, teams_tenant_id: str,
                                          conversation_id: str, kind: str,
                                          reference: dict[str, Any], at: datetime,
                                          team_id: str = "", name: str = "") -> None:
        conversation_id = conversation_id.split(";")[0]
        _check_ids(teams_tenant_id=teams_tenant_id, conversation_id=conversation_id)
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        if len(team_id) > MAX_ID:
            raise ValueError(f"team_id must be at most {MAX_ID} characters")
        async with self._transaction() as db:
            await self._upsert(db, TeamsConversationReferenceRow,
                               {"teams_tenant_id": teams_tenant_id,
                                "conversation_id": conversation_id},
                               {"tenant_id": tenant_id, "kind": kind, "team_id": team_id,
                                "name": name[:200], "reference": reference,
                                "updated_at": utc(at)})

    async def conversation_reference(self, tenant_id: int, conversation_id: str
                                     ) -> TeamsConversation | None:
        async with self._transaction() as db:
            row = await TeamsConversationReferenceRow.filter(
                tenant_id=tenant_id, conversation_id=conversation_id.split(";")[0]
            ).using_db(db).order_by("-updated_at").first()
            return TeamsConversation.of(row) if row else None

    async def conversations_of(self, tenant_id: int) -> list[TeamsConversation]:
        async with self._transaction() as db:
            rows = await TeamsConversationReferenceRow.filter(tenant_id=tenant_id).using_db(
                db).order_by("-updated_at", "-id")
            return [TeamsConversation.of(row) for row in rows]

    async def forget_conversation(self, teams_tenant_id: str, conversation_id: str) -> int:
        conversation_id = conversation_id.split(";")[0]
        async with self._transaction() as db:
            channels = await TeamsConversationReferenceRow.filter(
                teams_tenant_id=teams_tenant_id, conversation_id=conversation_id
            ).using_db(db).delete()
            people = await TeamsPersonalReferenceRow.filter(
                teams_tenant_id=teams_tenant_id, conversation_id=conversation_id
            ).using_db(db).delete()
            return channels + people

    # --- milestone cards in home channels -----------------------------------------------------

    async def card_of(self, tenant_id: int, milestone_id: int) -> tuple[str, str] | None:
        async with self._transaction() as db:
            row = await TeamsCardRow.filter(tenant_id=tenant_id,
                                            milestone_id=milestone_id).using_db(db).first()
            return (row.conversation_id, row.activity_id) if row else None

    async def save_card(self, tenant_id: int, milestone_id: int, *, conversation_id: str,
                        activity_id: str, at: datetime) -> None:
        _check_ids(conversation_id=conversation_id, activity_id=activity_id)
        async with self._transaction() as db:
            await self._upsert(db, TeamsCardRow,
                               {"tenant_id": tenant_id, "milestone_id": milestone_id},
                               {"conversation_id": conversation_id.split(";")[0],
                                "activity_id": activity_id, "updated_at": utc(at)})

    async def forget_card(self, tenant_id: int, milestone_id: int) -> None:
        async with self._transaction() as db:
            await TeamsCardRow.filter(tenant_id=tenant_id, milestone_id=milestone_id).using_db(
                db).delete()

    # --- processed clicks ---------------------------------------------------------------------

    async def claim_key(self, key: str, *, tenant_id: int | None, at: datetime) -> bool:
        """True for the first claim of a key; False when it was claimed before."""
        async with self._transaction() as db:
            try:
                async with db._in_transaction() as savepoint:
                    await TeamsProcessedKeyRow.create(using_db=savepoint, key=key[:200],
                                                      tenant_id=tenant_id, created_at=utc(at))
            except IntegrityError:
                return False
            return True

    async def release_key(self, key: str) -> None:
        async with self._transaction() as db:
            await TeamsProcessedKeyRow.filter(key=key[:200]).using_db(db).delete()

    async def forget_keys(self, *, before: datetime) -> int:
        async with self._transaction() as db:
            return await TeamsProcessedKeyRow.filter(created_at__lt=utc(before)).using_db(
                db).delete()
