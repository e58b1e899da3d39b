"""Contract: calendar settings, ICS feeds, links, sync states, channels, the installation's
setup and which workspace holds which calendar, on the fake, SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.calendar.model import (
    DEFAULT_KINDS,
    CalendarFeed,
    CalendarLink,
    CalendarRef,
    CalendarSettings,
    CalendarSetup,
    CalendarSyncState,
    FeedScope,
    WatchChannel,
    feed_token_hash,
)
from core.calendar.tenancy import DefaultCalendar
from core.errors import Conflict
from core.events import DueDateChanged
from core.model import Kind, MilestoneId, Status, UserId
from core.ports import UnitOfWorkFactory
from tests.storage.builders import NOW, add_milestone, at, workspace

SHARED = CalendarRef("deadlines@group.calendar.google.com")
BOBS = CalendarRef("primary", "bob@acme.example")


async def test_settings_start_as_defaults_and_are_kept_per_tenant(uow: UnitOfWorkFactory) -> None:
    acme, other = await workspace(uow, "acme"), await workspace(uow, "other")
    async with uow(acme.id) as tx:
        settings = await tx.calendar.settings()
        assert settings == CalendarSettings(tenant_id=acme.id)
        assert settings.kinds == DEFAULT_KINDS and settings.enabled
        settings.enabled, settings.kinds = False, frozenset({Kind.TASK})
        settings.owner_calendars, settings.calendar_id = True, "team@group.calendar.google.com"
        settings.updated_at = NOW
        await tx.calendar.save_settings(settings)
        await tx.commit()
    async with uow(acme.id) as tx:
        assert await tx.calendar.settings() == settings
        settings.enabled = True
        await tx.calendar.save_settings(settings)  # not committed: nothing changes
    async with uow(acme.id) as tx:
        assert not (await tx.calendar.settings()).enabled
    async with uow(other.id) as tx:
        assert await tx.calendar.settings() == CalendarSettings(tenant_id=other.id)


async def test_feeds_are_found_by_their_tokens_hash_until_revoked(
        uow: UnitOfWorkFactory, implementation: str) -> None:
    acme, other = await workspace(uow, "acme"), await workspace(uow, "other")
    goal = await add_milestone(uow, acme, "Goal")
    t, u = "t" * 43, "u" * 43
    async with uow(acme.id) as tx:
        mine = await tx.calendar.add_feed(CalendarFeed(
            tenant_id=acme.id, token_hash=feed_token_hash(t), scope=FeedScope.PERSON,
            created_by=acme.owner_id, user_id=acme.owner_id, created_at=NOW))
        team = await tx.calendar.add_feed(CalendarFeed(
            tenant_id=acme.id, token_hash=feed_token_hash(u), scope=FeedScope.TEAM,
            created_by=acme.owner_id, root_id=goal.id, created_at=at(minutes=1)))
        await tx.commit()
    assert mine.id is not None and team.id is not None and mine.id != team.id
    async with uow() as tx:  # the ICS route knows no tenant yet: the token says which
        assert await tx.calendar.feed_by_hash(feed_token_hash(u)) == team
        assert await tx.calendar.feed_by_hash(feed_token_hash("x" * 43)) is None
        assert await tx.calendar.feed_by_hash(u) is None  # the token itself is not kept
        await tx.calendar.feed_used(team.id, at(hours=1))
        await tx.commit()
        if implementation != "fake":  # nothing in the table gives an address away
            db = await tx.connection()  # type: ignore[attr-defined]
            rows = await db.execute_query_dict("SELECT * FROM calendar_feeds")
            assert rows and not any(t in str(v) or u in str(v) for r in rows for v in r.values())
    async with uow(other.id) as tx:  # another tenant sees neither
        assert await tx.calendar.feeds() == []
        assert await tx.calendar.feed_by_hash(feed_token_hash(t)) is None
        assert await tx.calendar.revoke_feeds([mine.id], NOW) == 0
    async with uow(acme.id) as tx:
        feeds = await tx.calendar.feeds(created_by=acme.owner_id)
        assert [f.token_hash for f in feeds] == [feed_token_hash(t), feed_token_hash(u)]
        assert feeds[1].last_used_at == at(hours=1) and feeds[1].root_id == goal.id
        assert await tx.calendar.feeds(created_by=UserId(999_999)) == []
        assert await tx.calendar.revoke_feeds([mine.id], at(hours=2)) == 1
        assert await tx.calendar.revoke_feeds([mine.id], at(hours=3)) == 0
        await tx.commit()
    async with uow(acme.id) as tx:
        assert [f.id for f in await tx.calendar.feeds()] == [team.id]
        assert await tx.calendar.feed_by_hash(feed_token_hash(t)) is None


async def test_a_calendar_is_chosen_by_one_workspace_only(uow: UnitOfWorkFactory) -> None:
    acme, other = await workspace(uow, "acme"), await workspace(uow, "other")
    mine = "acme@group.calendar.google.com"
    async with uow(acme.id) as tx:
        await tx.calendar.save_settings(CalendarSettings(tenant_id=acme.id, calendar_id=mine))
        await tx.commit()
    async with uow(other.id) as tx:
        with pytest.raises(Conflict, match="already another workspace's calendar"):
            await tx.calendar.save_settings(CalendarSettings(tenant_id=other.id,
                                                             calendar_id=mine))
        # the unit of work goes on (on PostgreSQL too: the refusal did not abort it)
        await tx.calendar.save_settings(CalendarSettings(tenant_id=other.id, enabled=False))
        await tx.commit()
    async with uow(other.id) as tx:
        assert await tx.calendar.settings() == CalendarSettings(tenant_id=other.id,
                                                                enabled=False)
    async with uow(acme.id) as tx:  # choosing it again, or another, is fine
        await tx.calendar.save_settings(CalendarSettings(tenant_id=acme.id, calendar_id=mine))
        await tx.calendar.save_settings(CalendarSettings(tenant_id=acme.id, calendar_id=None))
        await tx.commit()
    async with uow(other.id) as tx:  # once acme let it go, it is free
        await tx.calendar.save_settings(CalendarSettings(tenant_id=other.id, calendar_id=mine))
        await tx.commit()
    async with uow() as tx:
        assert await tx.calendar.calendar_users(mine) == {other.id}


async def test_the_installation_is_stored_and_its_calendar_held_by_one_workspace(
        uow: UnitOfWorkFactory) -> None:
    installation = CalendarSetup(google=True, calendar_id=SHARED.calendar_id, tenant="acme",
                                 service_account="cairn@x.iam.gserviceaccount.com",
                                 public_url="https://cairn.example.com", push=True)
    async with uow() as tx:
        assert await tx.calendar.installation() is None  # no serve has run
        assert await tx.calendar.default_calendar(SHARED.calendar_id, "") == DefaultCalendar(
            calendar_id=SHARED.calendar_id)  # no workspace at all yet
    acme = await workspace(uow, "acme")
    async with uow() as tx:
        assert (await tx.calendar.default_calendar(SHARED.calendar_id, "acme")).only == acme.id
        await tx.calendar.hold_default(acme.id)  # before any serve stored its setup
        await tx.calendar.save_installation(installation, NOW)
        await tx.commit()
    other = await workspace(uow, "other")
    async with uow() as tx:
        stored = await tx.calendar.installation()
        assert stored is not None
        assert (stored.setup, stored.started_at, stored.holder) == (installation, NOW, acme.id)
        await tx.calendar.save_installation(CalendarSetup(public_url="http://other"), at(days=1))
        await tx.commit()
    async with uow(other.id) as tx:
        await tx.calendar.save_settings(CalendarSettings(
            tenant_id=other.id, calendar_id=SHARED.calendar_id))
        await tx.commit()
    async with uow() as tx:
        stored = await tx.calendar.installation()
        assert stored is not None and stored.holder == acme.id  # a new start keeps the holder
        assert stored.setup == CalendarSetup(public_url="http://other")
        assert await tx.calendar.default_calendar(SHARED.calendar_id, "acme") == DefaultCalendar(
            calendar_id=SHARED.calendar_id, named="acme", holder=acme.id,
            chosen_by=frozenset({other.id}), only=None)
        await tx.calendar.hold_default(None)
        await tx.commit()
    async with uow() as tx:
        assert (await tx.calendar.default_calendar(SHARED.calendar_id, "")).holder is None


async def test_workspaces_come_with_their_settings_and_placement(uow: UnitOfWorkFactory) -> None:
    acme, other = await workspace(uow, "acme"), await workspace(uow, "other")
    async with uow(acme.id) as tx:
        await tx.calendar.save_settings(CalendarSettings(tenant_id=acme.id, enabled=False))
        await tx.calendar.save_placement("")
        await tx.calendar.save_placement(SHARED.calendar_id)
        await tx.commit()
    async with uow() as tx:
        found = {w.slug: w for w in await tx.calendar.workspaces()}
    assert set(found) == {"acme", "other"}
    assert found["acme"].tenant_id == acme.id and found["acme"].placed == SHARED.calendar_id
    assert not found["acme"].settings.enabled
    assert found["other"].placed is None  # never placed
    assert found["other"].settings == CalendarSettings(tenant_id=other.id)


async def test_a_calendars_users_are_who_chose_it_and_who_has_events_in_it(
        uow: UnitOfWorkFactory) -> None:
    acme, other = await workspace(uow, "acme"), await workspace(uow, "other")
    m = await add_milestone(uow, acme, "Launch")
    gone = await add_milestone(uow, other, "Gone")
    assert m.id is not None and gone.id is not None
    async with uow(acme.id) as tx:
        await tx.calendar.save_links([
            CalendarLink(tenant_id=acme.id, milestone_id=m.id, calendar=SHARED, event_id="e",
                         updated_at=NOW),
            CalendarLink(tenant_id=acme.id, milestone_id=m.id, calendar=BOBS, event_id="e",
                         updated_at=NOW)])
        await tx.commit()
    async with uow(other.id) as tx:
        await tx.calendar.save_links([CalendarLink(
            tenant_id=other.id, milestone_id=gone.id, calendar=SHARED, event_id="f",
            deleted=True, updated_at=NOW)])
        await tx.commit()
    async with uow() as tx:
        assert await tx.calendar.calendar_users(SHARED.calendar_id) == {acme.id}
        assert await tx.calendar.calendar_users("primary") == set()  # owners' own: nobody's
        assert await tx.calendar.calendar_users("nowhere") == set()


async def test_links_are_replaced_per_milestone_and_calendar(uow: UnitOfWorkFactory) -> None:
    acme, other = await workspace(uow, "acme"), await workspace(uow, "other")
    m = await add_milestone(uow, acme, "Launch")
    assert m.id is not None
    first = CalendarLink(tenant_id=acme.id, milestone_id=m.id, calendar=SHARED,
                         event_id="cairnabc", etag='"1"', written_when="2026-12-31",
                         digest="d1", updated_at=NOW)
    async with uow(acme.id) as tx:
        await tx.calendar.save_links([first, CalendarLink(
            tenant_id=acme.id, milestone_id=m.id, calendar=BOBS, event_id="cairnabc",
            etag='"7"', updated_at=NOW)])
        await tx.commit()
    async with uow(acme.id) as tx:
        first.etag, first.digest, first.stale, first.updated_at = '"2"', "d2", True, at(hours=1)
        await tx.calendar.save_links([first])
        await tx.commit()
    async with uow(acme.id) as tx:
        links = {x.calendar: x for x in await tx.calendar.links([m.id, MilestoneId(999)])}
        assert links[SHARED] == first and links[BOBS].etag == '"7"'
    async with uow() as tx:
        assert await tx.calendar.link_by_event(SHARED, "cairnabc") == first
        assert await tx.calendar.link_by_event(SHARED, "nope") is None
        assert await tx.calendar.link_by_event(CalendarRef("elsewhere"), "cairnabc") is None
        assert await tx.calendar.stale_links(10) == [first]
    async with uow(other.id) as tx:
        assert await tx.calendar.links([m.id]) == []
        assert await tx.calendar.link_by_event(SHARED, "cairnabc") is None
        assert await tx.calendar.stale_links(10) == []


async def test_health_counts_the_tenants_waiting_and_failing_changes(
        uow: UnitOfWorkFactory) -> None:
    acme, other = await workspace(uow, "acme"), await workspace(uow, "other")
    m = await add_milestone(uow, acme, "Launch")
    assert m.id is not None
    async with uow(acme.id) as tx:
        for _ in range(3):
            await tx.publish(DueDateChanged(tenant_id=acme.id, milestone_id=m.id,
                                            actor_id=acme.owner_id, at=NOW, previous=None,
                                            due=NOW.date()))
        await tx.commit()
    async with uow() as tx:
        claimed = await tx.outbox.claim("calendar", now=NOW, limit=2)
        await tx.outbox.retry(claimed[0].id, at=at(minutes=5), error="HTTP 503 from Google")
        await tx.outbox.retry(claimed[1].id, at=at(minutes=2), error="HTTP 429 rate limit")
        await tx.commit()
    async with uow(acme.id) as tx:
        await tx.calendar.save_links([CalendarLink(
            tenant_id=acme.id, milestone_id=m.id, calendar=SHARED, event_id="e",
            updated_at=at(minutes=3))])
        await tx.calendar.save_sync_state(CalendarSyncState(calendar=SHARED,
                                                            synced_at=at(minutes=4)))
        await tx.commit()
    async with uow(acme.id) as tx:
        health = await tx.calendar.health("calendar")
    assert (health.pending, health.failing, health.events) == (3, 2, 1)
    assert health.last_error == "HTTP 429 rate limit"
    assert health.next_retry == at(minutes=2)
    assert (health.last_pushed, health.last_pulled) == (at(minutes=3), at(minutes=4))
    async with uow(other.id) as tx:
        quiet = await tx.calendar.health("calendar")
    assert (quiet.pending, quiet.failing, quiet.events, quiet.last_pulled) == (0, 0, 0, None)


async def test_sync_states_and_channels_belong_to_calendars(uow: UnitOfWorkFactory) -> None:
    async with uow() as tx:
        await tx.calendar.save_sync_state(CalendarSyncState(calendar=SHARED, sync_token="a"))
        await tx.calendar.save_sync_state(CalendarSyncState(calendar=BOBS, sync_token="b"))
        await tx.calendar.save_sync_state(CalendarSyncState(
            calendar=SHARED, sync_token="c", synced_at=NOW, error="x" * 5000))
        old = WatchChannel(id="ch1", calendar=SHARED, token="secret", resource_id="r1",
                           expires_at=NOW + timedelta(days=7), created_at=NOW)
        new = WatchChannel(id="ch2", calendar=SHARED, token="secret2", resource_id="r2",
                           expires_at=NOW + timedelta(days=8), created_at=at(days=1))
        await tx.calendar.save_channel(old)
        await tx.calendar.save_channel(new)
        await tx.commit()
    async with uow() as tx:
        states = {s.calendar: s for s in await tx.calendar.sync_states()}
        assert states[SHARED].sync_token == "c" and states[SHARED].synced_at == NOW
        assert len(states[SHARED].error) <= 1000 and states[BOBS].sync_token == "b"
        assert [c.id for c in await tx.calendar.channels()] == ["ch2", "ch1"]
        old.stopped_at = at(days=1)
        await tx.calendar.save_channel(old)
        await tx.commit()
    async with uow() as tx:
        assert [c.id for c in await tx.calendar.channels()] == ["ch2"]
        assert await tx.calendar.channel("ch1") == old
        assert await tx.calendar.channel("nope") is None


async def test_unlinked_milestones_are_the_dated_live_ones_never_synced(
        uow: UnitOfWorkFactory) -> None:
    acme, other = await workspace(uow, "acme"), await workspace(uow, "other")
    dated = await add_milestone(uow, acme, "Dated", due_date=NOW.date())
    await add_milestone(uow, acme, "Undated")
    await add_milestone(uow, acme, "Cancelled", due_date=NOW.date(), status=Status.CANCELLED)
    linked = await add_milestone(uow, acme, "Linked", due_date=NOW.date())
    gone = await add_milestone(uow, acme, "Gone", due_date=NOW.date())
    theirs = await add_milestone(uow, other, "Theirs", due_date=NOW.date())
    assert dated.id and linked.id and gone.id and theirs.id
    async with uow(acme.id) as tx:
        await tx.milestones.delete(gone.id)
        await tx.calendar.save_links([CalendarLink(
            tenant_id=acme.id, milestone_id=linked.id, calendar=SHARED, event_id="e",
            deleted=True, updated_at=NOW)])
        await tx.commit()
    async with uow() as tx:
        assert await tx.calendar.unlinked(10) == [(acme.id, dated.id), (other.id, theirs.id)]
        assert await tx.calendar.unlinked(1) == [(acme.id, dated.id)]
    async with uow(other.id) as tx:
        assert await tx.calendar.unlinked(10) == [(other.id, theirs.id)]
