"""Which shared calendar holds a workspace's deadlines: a calendar only ever holds one's.

People subscribe to a shared calendar; they must never see another company's goals in it. So:

- a workspace's own calendar (`calendar shared <id>`) holds its deadlines, and no other
  workspace may choose the same one;
- the installation's calendar (GOOGLE_CALENDAR_ID) holds one workspace's deadlines: the one an
  operator names (GOOGLE_CALENDAR_TENANT=<slug>), or else the one it was given to while it was
  the only workspace (its *holder*, kept, so a second workspace never takes it away);
- any other workspace's deadlines wait (their changes stay in the outbox) until an admin
  chooses a calendar of its own. Owners' own calendars are each person's and are unaffected.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.calendar.model import CalendarSettings
from core.model import TenantId


@dataclass(frozen=True, slots=True, kw_only=True)
class DefaultCalendar:
    """The installation's calendar and what decides whom it serves."""

    calendar_id: str
    #: GOOGLE_CALENDAR_TENANT: the slug it serves, whoever held it before.
    named: str = ""
    holder: TenantId | None = None
    #: Workspaces that chose this very calendar as their own (a calendar id set before the
    #: operator made it the installation's): it is theirs then, nobody else's.
    chosen_by: frozenset[TenantId] = field(default_factory=frozenset)
    #: The installation's only workspace, when it has exactly one.
    only: TenantId | None = None

    def serves(self, tenant_id: TenantId, slug: str) -> bool:
        if self.chosen_by - {tenant_id}:
            return False
        if self.named:
            return slug == self.named
        if self.holder is not None:
            return self.holder == tenant_id
        return self.only == tenant_id

    def holder_to_keep(self, named_tenant: TenantId | None) -> TenantId | None:
        """Who should hold it from now on: the named workspace, or else whoever holds it, or
        else the only workspace there is (so that it stays that one's when others arrive)."""
        if self.named:
            return named_tenant if named_tenant is not None else self.holder
        return self.holder if self.holder is not None else self.only


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkspaceCalendars:
    """A workspace as the sync places it: its settings, and where it last put its deadlines."""

    tenant_id: TenantId
    slug: str
    settings: CalendarSettings
    #: The shared calendar the sync last put all its deadlines in ("" for none); None when the
    #: sync never placed this workspace (new, or from before calendars had one workspace each).
    placed: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Placement:
    """Where a workspace's deadlines go in a shared calendar, or why they wait."""

    calendar_id: str | None = None
    #: The workspace chose it (`calendar shared`), rather than the installation's.
    own: bool = False
    why: str = ""
    #: What an admin or an operator does about it, with commands that work.
    todo: tuple[str, ...] = ()

    @property
    def waiting(self) -> bool:
        return self.calendar_id is None


def place(settings: CalendarSettings, slug: str, default: DefaultCalendar | None, *,
          service_account: str = "") -> Placement:
    """The shared calendar of a workspace (its settings, its slug), if it may have one."""
    if settings.calendar_id:
        return Placement(calendar_id=settings.calendar_id, own=True)
    if default is None or not default.calendar_id:
        return Placement(why="Google Calendar is not configured for this installation")
    if default.serves(settings.tenant_id, slug):
        return Placement(calendar_id=default.calendar_id)
    share = f"share it with {service_account}" if service_account else (
        "share it with Cairn's service account")
    todo = [f"An admin gives this workspace a calendar of its own: create one in Google "
            f"Calendar, {share} (“Make changes to events”), then type: calendar shared "
            "<its calendar id>"]
    if default.chosen_by - {settings.tenant_id} or default.named or default.holder is not None:
        why = ("the installation's calendar holds another workspace's deadlines, and a "
               "calendar only ever holds one workspace's")
    else:
        why = ("this installation serves several workspaces, and a calendar only ever holds "
               "one workspace's deadlines")
        todo.append(f"Or an operator gives the installation's calendar to this workspace: "
                    f"GOOGLE_CALENDAR_TENANT={slug}, then restart serve")
    return Placement(why=why, todo=tuple(todo))
