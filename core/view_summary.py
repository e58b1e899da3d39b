"""The plain-text summary of any view: the text of a notification and what a screen reader
says first. Platform-neutral and never escaped: Slack escapes it for mrkdwn, Teams clips it to
its summary's length (each in its renderer).

`summary` dispatches on the view's type; the scoring views' summaries come from
`core.scoring.summaries`. A view with no summary of its own says its title, or "Cairn".
"""

from __future__ import annotations

from functools import singledispatch

from core.access.views import TokenCreatedView, TokenListView
from core.nudges.views import NudgeView, ReminderSettingsView
from core.scoring import summaries as scoring
from core.views import (
    ActivityView,
    CalendarFeedView,
    CalendarStatusView,
    HelpView,
    InboxView,
    MilestoneCard,
    MilestoneList,
    Notice,
    PeopleView,
    ProfileView,
    View,
)
from core.webhooks.views import WebhookCreatedView, WebhookListView, WebhookLogView


@singledispatch
def summary(view: View) -> str:
    """Plain text for notifications and screen readers."""
    return str(getattr(view, "title", "")) or "Cairn"


@summary.register
def _notice(view: Notice) -> str:
    return view.text


@summary.register
def _card(view: MilestoneCard) -> str:
    line = view.line
    found = f"{line.ref} {line.title} — {line.percent}%, {line.status.label.lower()}"
    return f"{view.headline}: {found}" if view.headline else found


@summary.register
def _list(view: MilestoneList) -> str:
    return f"{view.title} ({view.total})"


@summary.register
def _help(view: HelpView) -> str:
    return view.intro


@summary.register
def _inbox(view: InboxView) -> str:
    return f"Inbox · {view.unread} unread"


@summary.register
def _activity(view: ActivityView) -> str:
    return view.title


@summary.register
def _people(view: PeopleView) -> str:
    return f"{view.tenant} · {view.usage}"


@summary.register
def _profile(view: ProfileView) -> str:
    return f"@{view.person.handle}"


@summary.register
def _calendar_status(view: CalendarStatusView) -> str:
    return view.headline or "Calendar sync"


@summary.register
def _calendar_feed(view: CalendarFeedView) -> str:
    return f"ICS feed: {view.title}"


@summary.register
def _nudge(view: NudgeView) -> str:
    """Every nudge (a challenge's post too) leads with its headline."""
    return view.headline


@summary.register
def _reminder_settings(view: ReminderSettingsView) -> str:
    return view.headline or f"Your reminders: check-ins {view.checkin}"


@summary.register
def _token_made(view: TokenCreatedView) -> str:
    return f"{'App token' if view.app else 'Token'} “{view.name}” made: copy it now"


@summary.register
def _tokens(view: TokenListView) -> str:
    return f"API tokens ({len(view.tokens) + len(view.app_tokens)})"


@summary.register
def _webhook_made(view: WebhookCreatedView) -> str:
    return view.headline or f"Webhook {view.line.id}: {view.line.url}"


@summary.register
def _webhooks(view: WebhookListView) -> str:
    return f"Webhooks ({len(view.endpoints)})"


@summary.register
def _webhook_log(view: WebhookLogView) -> str:
    return f"Webhook {view.line.id}: its last {len(view.attempts)} deliveries"


for _view in scoring.VIEWS:
    summary.register(_view, scoring.summary)
