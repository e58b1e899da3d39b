"""Help, people, a profile, the inbox and activity as Adaptive Card parts. Part of the one
Teams renderer (`render.message` renders these; registered on its `_parts`); user text is
escaped here."""

from __future__ import annotations

from bots.teams import cards
from bots.teams.cards import Element, submit, text
from bots.teams.markdown import code_spans, escape, oneline
from bots.teams.render import Parts, _parts, headline, rows
from core.views import ActivityView, HelpView, InboxView, PeopleView, ProfileView


@_parts.register
def _help(view: HelpView, stamp: str) -> Parts:
    body: list[Element] = [text(escape(view.intro))]
    for part in view.sections:
        body.append(text(f"**{escape(part.title)}**", separator=True))
        body += rows([f"**{escape(e.usage)}**  {escape(e.summary)}" for e in part.entries])
    if view.footer:
        body.append(text(code_spans(view.footer), subtle=True))
    return body, []


@_parts.register
def _people(view: PeopleView, stamp: str) -> Parts:
    body = [text(f"**{oneline(view.tenant, 100)}** · {escape(view.plan)} plan · "
                 f"{escape(view.usage)}")]
    body += rows([f"@{oneline(p.handle, 60)} · {oneline(p.name, 80)} · {escape(p.role)} · "
                  f"{escape(p.timezone)} · {p.active_milestones} open"
                  + (" (you)" if p.is_you else "")
                  + "".join(f" · ⚠ not reached on {oneline(why, 200)}" for why in p.unreachable)
                  for p in view.people])
    return body, []


@_parts.register
def _profile(view: ProfileView, stamp: str) -> Parts:
    p = view.person
    body = [headline(view.headline)] if view.headline else []
    body.append(text(f"**@{oneline(p.handle, 60)}** · {oneline(p.name, 100)} · {escape(p.role)}"))
    pairs = [("Time zone", escape(p.timezone)),
             ("Works", f"{escape(view.working_days)}, {escape(view.working_hours)}")]
    if view.email:
        pairs.append(("Email", oneline(view.email, 200)))
    if view.badges:
        pairs.append(("Badges", escape(" · ".join(view.badges))))
    body.append(cards.facts(pairs))
    return body, []


def inbox_body(view: InboxView, *, limit: int) -> list[Element]:
    body = [headline(view.headline)] if view.headline else []
    body.append(text(f"**Inbox** · {view.unread} unread" if view.unread else "**Inbox**"))
    if not view.items:
        body.append(text("Nothing new.", subtle=True))
    body += rows([("● " if item.unread else "") + f"**{escape(item.when)}** "
                  f"{oneline(item.text, 400)}" for item in view.items], limit=limit)
    return body


@_parts.register
def _inbox(view: InboxView, stamp: str) -> Parts:
    actions = [submit("Mark all read", "run", "inbox read", stamp=stamp)] if view.unread else []
    return inbox_body(view, limit=20), actions


@_parts.register
def _activity(view: ActivityView, stamp: str) -> Parts:
    body = [text(f"**{oneline(view.title, 200)}**")]
    if not view.entries:
        body.append(text("Nothing yet.", subtle=True))
    body += rows([f"**{escape(a.when)}** {oneline(a.text, 300)}" for a in view.entries])
    return body, []
