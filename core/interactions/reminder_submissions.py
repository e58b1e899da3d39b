"""The reminder-settings form carried out: one `ChangeReminderSettings` of what changed, in its
one unit of work, or the settings as they are when nothing did."""

from __future__ import annotations

from dataclasses import replace

from core.interactions.reminder_forms import SubmitReminderSettings
from core.nudges import reminder_settings as reminders
from core.nudges.commands import ChangeReminderSettings, ShowReminderSettings
from core.nudges.views import ReminderSettingsView
from core.use_case import Deps


async def submit_reminder_settings(cmd: SubmitReminderSettings, deps: Deps
                                   ) -> ReminderSettingsView:
    changes = cmd.changes()
    if not changes:
        shown = await reminders.show_settings(ShowReminderSettings(actor=cmd.actor), deps)
        return replace(shown, headline="Nothing changed")
    return await reminders.change_settings(ChangeReminderSettings(
        actor=cmd.actor, idempotency_key=cmd.idempotency_key, **changes),  # type: ignore[arg-type]
        deps)
