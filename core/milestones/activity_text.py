"""The activity feed in sentences: one recorded event -> one line people can read."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from core.history import Activity
from core.humanize import day_text
from core.model import MilestoneId, Status, UserId
from core.tenancy import User

#: How an edited field reads in a sentence (events keep the attribute names).
FIELD_NAMES = {"start_date": "start date", "channel": "home channel"}


def changed_fields(names: object) -> str:
    """`description, start date`: the fields an edit changed, in words."""
    if not isinstance(names, Mapping | list | tuple | set):
        return "details"
    return ", ".join(sorted(FIELD_NAMES.get(str(n), str(n)) for n in names)) or "details"


def describe(
    entry: Activity,
    users: Mapping[UserId, User],
    refs: Mapping[MilestoneId, str],
    today: date,
) -> str:
    """`@alice moved the due date of #4 from Tue 15 Dec to Fri 18 Dec`."""
    d = entry.data
    who = _who(users, entry.actor_id)
    if d.get("via"):  # an app token's change: the admin who made it, through the app
        who += f" via {str(d['via'])[:60]}"
    ref = refs.get(entry.milestone_id, "a milestone") if entry.milestone_id else ""
    verb = entry.verb
    if verb == "created":
        return f"{who} created {d.get('kind', 'milestone')} {ref} “{d.get('title', '')}”"
    if verb == "progress":
        status = Status(str(d.get("status", "on_track"))).label.lower()
        text = f"{who} updated {ref} to {d.get('percent')}% ({status})"
        return text + (f": {d['notes']}" if d.get("notes") else "")
    if verb == "comment":
        return f"{who} commented on {ref}: “{d.get('excerpt', '')}”"
    if verb == "assigned":
        return f"{who} made {_who(users, _uid(d.get('owner_id')))} the owner of {ref}"
    if verb == "due_moved":
        old = _day(d.get("previous"), today, d.get("previous_time"))
        new = _day(d.get("due"), today, d.get("due_time"))
        via = f" (in {d['source']})" if d.get("source") else ""
        if d.get("source") and entry.actor_id is None:
            who = "Someone"  # a shared calendar does not say who moved the event
        if not isinstance(d.get("due"), str):
            return f"{who} removed the due date of {ref} (was {old}){via}"
        if not isinstance(d.get("previous"), str):
            return f"{who} set the due date of {ref} to {new}{via}"
        return f"{who} moved the due date of {ref} from {old} to {new}{via}"
    if verb == "moved":
        if not d.get("parent_id"):
            return f"{who} moved {ref} to the top"
        return f"{who} moved {ref} under {refs.get(_mid(d.get('parent_id')), 'another one')}"
    if verb == "completed":
        late = " on time 🎉" if d.get("on_time") else ""
        return f"{who} completed {ref}{late}"
    if verb == "deleted":
        return f"{who} deleted #{d.get('number')} “{d.get('title', '')}”"
    if verb == "criteria":
        return f"{who} set the success criterion of {ref}: {d.get('metric')}"
    if verb == "edited":
        return f"{who} edited {ref} ({changed_fields(d.get('changes'))})"
    if verb == "watchers":
        return f"{who} changed who watches {ref}"
    if verb == "joined":
        return f"{_who(users, _uid(d.get('user_id')))} joined as {d.get('role')}"
    if verb == "role":
        return f"{who} made {_who(users, _uid(d.get('user_id')))} {d.get('role')}"
    if verb == "calendar_settings":
        changes = d.get("changes")
        changed = ", ".join(f"{k} {v[1]}" for k, v in sorted(changes.items())
                            if isinstance(v, list | tuple) and len(v) == 2
                            ) if isinstance(changes, dict) else ""
        return f"{who} changed calendar sync ({changed or 'settings'})"
    if verb == "webhook_added":
        return f"{who} added webhook {d.get('endpoint_id')} (a test ping is on its way)"
    if verb == "overdue":
        return f"{ref} is overdue (it was due {_day(d.get('due'), today)})"
    if verb == "challenge_finished":
        return f"{who} ended the challenge “{d.get('challenge', '')}”: the results are frozen"
    if verb == "plan":
        return f"{who} moved the workspace to the {d.get('plan')} plan"
    simple = {"reopened": "reopened", "cancelled": "cancelled"}
    return f"{who} {simple.get(verb, verb)} {ref}".strip()


def _who(users: Mapping[UserId, User], user_id: UserId | None) -> str:
    user = users.get(user_id) if user_id is not None else None
    return f"@{user.handle}" if user else "Cairn"


def _uid(value: object) -> UserId | None:
    return UserId(int(value)) if isinstance(value, int | str) and str(value).isdigit() else None


def _mid(value: object) -> MilestoneId:
    return MilestoneId(int(value)) if isinstance(value, int | str) and str(value).isdigit() else (
        MilestoneId(0))


def _day(value: object, today: date, clock: object = None) -> str:
    if not isinstance(value, str):
        return "no date"
    try:
        text = day_text(date.fromisoformat(value), today)
    except ValueError:
        return value
    return f"{text} {clock}" if isinstance(clock, str) and clock else text
