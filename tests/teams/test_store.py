"""The Teams storage ports' contract (`bots.teams.ports`), on SQLite and PostgreSQL: Teams
tenants linked to Cairn tenants once, conversation references kept whole and up to date per
person and per channel, never readable from another Cairn tenant, and hostile ids refused
before anything is written."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bots.teams.ports import TeamsStore
from storage import Database
from storage.teams import TortoiseTeamsStore
from tests.storage.builders import workspace

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
CONTOSO = "72f988bf-86f1-41af-91ab-2d7cd011db47"
FABRIKAM = "0a1b2c3d-0000-4000-8000-000000000001"
ALICE_AAD = "b3c0f0a1-1111-4222-8333-444455556666"
CHANNEL = "19:9c1d5a2e7f3b4c8d@thread.tacv2"


def reference(conversation_id: str, *, service_url: str = "https://smba.trafficmanager.net/amer/",
              user: str = "29:alice", kind: str = "personal") -> dict[str, Any]:
    return {"activityId": "1700000000001", "channelId": "msteams", "serviceUrl": service_url,
            "bot": {"id": "28:cairn", "name": "Cairn"},
            "user": {"id": user, "aadObjectId": ALICE_AAD, "name": "Ålice «Ä» O'Brien"},
            "conversation": {"id": conversation_id, "conversationType": kind,
                             "tenantId": CONTOSO, "isGroup": kind != "personal"},
            "locale": "en-GB"}


@pytest.fixture
def store(database: Database) -> TeamsStore:
    found: TeamsStore = TortoiseTeamsStore(database.unit_of_work())
    return found


async def test_a_teams_tenant_is_linked_once(database: Database, store: TeamsStore) -> None:
    acme = await workspace(database.unit_of_work(), "acme")
    other = await workspace(database.unit_of_work(), "other")
    assert await store.tenant_of(CONTOSO) is None
    assert await store.link_teams_tenant(CONTOSO, acme.id, name="Contoso", at=NOW) == acme.id
    assert await store.link_teams_tenant(CONTOSO, other.id, name="Contoso", at=NOW) == acme.id
    assert await store.link_teams_tenant(FABRIKAM, acme.id, name="Fabrikam", at=NOW) == acme.id
    assert await store.tenant_of(CONTOSO) == acme.id
    assert await store.teams_tenants_of(acme.id) == [CONTOSO, FABRIKAM]
    assert await store.teams_tenants_of(other.id) == []
    assert await store.tenant_of("x" * 10_000) is None


async def test_concurrent_first_links_agree(database: Database, store: TeamsStore) -> None:
    tenants = [await workspace(database.unit_of_work(), f"t{n}") for n in range(5)]
    linked = await asyncio.gather(*(store.link_teams_tenant(CONTOSO, t.id, name="", at=NOW)
                                    for t in tenants))
    assert len(set(linked)) == 1 and await store.tenant_of(CONTOSO) == linked[0]


async def test_a_personal_reference_is_kept_whole_and_the_latest_wins(
        database: Database, store: TeamsStore) -> None:
    acme = await workspace(database.unit_of_work(), "acme")
    first = reference("a:1chat")
    await store.save_personal_reference(acme.id, acme.owner_id, teams_tenant_id=CONTOSO,
                                        aad_object_id=ALICE_AAD, reference=first, at=NOW)
    assert await store.personal_reference(CONTOSO, ALICE_AAD) == first
    moved = reference("a:1chat", service_url="https://smba.trafficmanager.net/emea/")
    await store.save_personal_reference(acme.id, acme.owner_id, teams_tenant_id=CONTOSO,
                                        aad_object_id=ALICE_AAD, reference=moved,
                                        at=NOW + timedelta(minutes=1))
    assert await store.personal_references_of(acme.id, [acme.owner_id]) == {
        acme.owner_id: moved}
    assert await store.personal_references_of(acme.id, []) == {}
    assert await store.personal_reference(FABRIKAM, ALICE_AAD) is None


async def test_a_person_linked_to_another_user_is_re_pointed(database: Database,
                                                            store: TeamsStore) -> None:
    acme = await workspace(database.unit_of_work(), "acme")
    async with database.unit_of_work()(acme.id) as tx:
        from tests.storage.builders import user

        bob = await tx.users.add(user(acme.id, "bob"))
        await tx.commit()
    assert bob.id is not None
    for owner in (acme.owner_id, bob.id):
        await store.save_personal_reference(acme.id, owner, teams_tenant_id=CONTOSO,
                                            aad_object_id=ALICE_AAD,
                                            reference=reference("a:1chat"), at=NOW)
    assert set(await store.personal_references_of(acme.id, [acme.owner_id, bob.id])) == {bob.id}


async def test_references_never_cross_cairn_tenants(database: Database, store: TeamsStore
                                                    ) -> None:
    acme = await workspace(database.unit_of_work(), "acme")
    other = await workspace(database.unit_of_work(), "other")
    await store.save_personal_reference(acme.id, acme.owner_id, teams_tenant_id=CONTOSO,
                                        aad_object_id=ALICE_AAD,
                                        reference=reference("a:1chat"), at=NOW)
    await store.save_conversation_reference(acme.id, teams_tenant_id=CONTOSO,
                                            conversation_id=CHANNEL, kind="channel",
                                            reference=reference(CHANNEL, kind="channel"),
                                            at=NOW, team_id="19:team@thread.tacv2",
                                            name="Launch")
    assert await store.personal_references_of(other.id, [acme.owner_id]) == {}
    assert await store.conversation_reference(other.id, CHANNEL) is None
    assert await store.conversations_of(other.id) == []
    found = await store.conversation_reference(acme.id, CHANNEL)
    assert found is not None and found.tenant_id == acme.id and found.name == "Launch"


async def test_a_channel_is_kept_by_its_id_without_the_thread(database: Database,
                                                              store: TeamsStore) -> None:
    acme = await workspace(database.unit_of_work(), "acme")
    thread = f"{CHANNEL};messageid=1700000000123"
    await store.save_conversation_reference(acme.id, teams_tenant_id=CONTOSO,
                                            conversation_id=thread, kind="channel",
                                            reference=reference(thread, kind="channel"),
                                            at=NOW, team_id="19:team@thread.tacv2")
    chat = "19:abcdef@thread.v2"
    await store.save_conversation_reference(acme.id, teams_tenant_id=CONTOSO,
                                            conversation_id=chat, kind="groupChat",
                                            reference=reference(chat, kind="groupChat"),
                                            at=NOW + timedelta(minutes=5))
    found = await store.conversation_reference(acme.id, CHANNEL)
    assert found is not None and found.conversation_id == CHANNEL and found.kind == "channel"
    assert found.reference["conversation"]["id"] == thread  # the reference is kept as given
    assert found.team_id == "19:team@thread.tacv2" and found.updated_at == NOW
    assert await store.conversation_reference(acme.id, thread) == found
    assert [c.conversation_id for c in await store.conversations_of(acme.id)] == [chat, CHANNEL]


async def test_forgetting_a_conversation_removes_its_references(database: Database,
                                                               store: TeamsStore) -> None:
    acme = await workspace(database.unit_of_work(), "acme")
    await store.save_personal_reference(acme.id, acme.owner_id, teams_tenant_id=CONTOSO,
                                        aad_object_id=ALICE_AAD,
                                        reference=reference("a:1chat"), at=NOW)
    await store.save_conversation_reference(acme.id, teams_tenant_id=CONTOSO,
                                            conversation_id=CHANNEL, kind="channel",
                                            reference=reference(CHANNEL, kind="channel"), at=NOW)
    assert await store.forget_conversation(FABRIKAM, CHANNEL) == 0
    assert await store.forget_conversation(CONTOSO, f"{CHANNEL};messageid=9") == 1
    assert await store.forget_conversation(CONTOSO, "a:1chat") == 1
    assert await store.conversation_reference(acme.id, CHANNEL) is None
    assert await store.personal_reference(CONTOSO, ALICE_AAD) is None


async def test_hostile_ids_are_refused_and_nothing_is_written(database: Database,
                                                             store: TeamsStore) -> None:
    acme = await workspace(database.unit_of_work(), "acme")
    huge = "19:" + "x" * 300
    with pytest.raises(ValueError, match="conversation_id"):
        await store.save_conversation_reference(acme.id, teams_tenant_id=CONTOSO,
                                                conversation_id=huge, kind="channel",
                                                reference=reference(huge), at=NOW)
    with pytest.raises(ValueError, match="kind"):
        await store.save_conversation_reference(acme.id, teams_tenant_id=CONTOSO,
                                                conversation_id=CHANNEL, kind="meeting",
                                                reference=reference(CHANNEL), at=NOW)
    with pytest.raises(ValueError, match="aad_object_id"):
        await store.save_personal_reference(acme.id, acme.owner_id, teams_tenant_id=CONTOSO,
                                            aad_object_id="", reference=reference("a:1"),
                                            at=NOW)
    with pytest.raises(ValueError, match="conversation_id"):
        await store.save_personal_reference(acme.id, acme.owner_id, teams_tenant_id=CONTOSO,
                                            aad_object_id=ALICE_AAD, reference={}, at=NOW)
    with pytest.raises(ValueError, match="teams_tenant_id"):
        await store.link_teams_tenant("t" * 256, acme.id, name="", at=NOW)
    assert await store.conversations_of(acme.id) == []
    assert await store.personal_references_of(acme.id, [acme.owner_id]) == {}
    assert await store.teams_tenants_of(acme.id) == []


async def test_concurrent_saves_of_one_reference_leave_one_row(database: Database,
                                                               store: TeamsStore) -> None:
    acme = await workspace(database.unit_of_work(), "acme")
    await asyncio.gather(*(
        store.save_conversation_reference(
            acme.id, teams_tenant_id=CONTOSO, conversation_id=CHANNEL, kind="channel",
            reference=reference(CHANNEL, service_url=f"https://smba.example/{n}/"),
            at=NOW + timedelta(seconds=n)) for n in range(8)))
    [only] = await store.conversations_of(acme.id)
    assert only.reference["serviceUrl"].startswith("https://smba.example/")
