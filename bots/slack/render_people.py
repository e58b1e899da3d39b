"""Help, people, a profile, the inbox and activity as Block Kit. Part of the one Slack renderer
(`render.message` renders these; registered on its `_blocks`); user text is escaped here."""

from __future__ import annotations

from bots.slack.blocks import Block, actions, button, context, join_lines, section
from bots.slack.mrkdwn import escape, escape_readable
from bots.slack.render import _blocks, command_text
from core.views import ActivityView, HelpView, InboxView, PeopleView, ProfileView


@_blocks.register
def _help(view: HelpView, stamp: str) -> list[Block]:
    blocks: list[Block] = [section(escape(view.intro))]
    for part in view.sections:
        rows = [f"`{escape(command_text(e.usage))}`  {escape(e.summary)}" for e in part.entries]
        blocks += [section(chunk) for chunk in join_lines([f"*{escape(part.title)}*", *rows])]
    if view.footer:
        blocks.append(context(escape(view.footer)))
    return blocks


@_blocks.register
def _people(view: PeopleView, stamp: str) -> list[Block]:
    rows = [f"@{escape(p.handle)} · {escape(p.name)} · {p.role} · {escape(p.timezone)} · "
            f"{p.active_milestones} open" + (" (you)" if p.is_you else "") + "".join(
                f"\n      ⚠ not reached on {escape(why)}" for why in p.unreachable)
            for p in view.people]
    head = f"*{escape(view.tenant)}* · {escape(view.plan)} plan · {escape(view.usage)}"
    return [section(chunk) for chunk in join_lines([head, *rows])]


@_blocks.register
def _profile(view: ProfileView, stamp: str) -> list[Block]:
    p = view.person
    blocks: list[Block] = []
    if view.headline:
        blocks.append(section(f"✅ *{escape(view.headline)}*"))
    blocks.append(section(f"*@{escape(p.handle)}* · {escape(p.name)} · {p.role}"))
    facts = [f"Time zone {escape(p.timezone)}", f"works {view.working_days}, "
             f"{view.working_hours}"]
    if view.email:
        facts.append(escape(view.email))
    blocks.append(context(" · ".join(facts)))
    if view.badges:
        blocks.append(context("Badges: " + escape(" · ".join(view.badges))))
    return blocks


@_blocks.register
def _inbox(view: InboxView, stamp: str) -> list[Block]:
    return inbox_blocks(view, stamp, limit=20)


def inbox_blocks(view: InboxView, stamp: str, *, limit: int) -> list[Block]:
    blocks: list[Block] = []
    if view.headline:
        blocks.append(section(f"✅ *{escape(view.headline)}*"))
    title = f"*Inbox* · {view.unread} unread" if view.unread else "*Inbox*"
    blocks.append(section(title))
    if not view.items:
        blocks.append(context("Nothing new."))
    rows = [("● " if item.unread else "") + f"*{item.when}* "
            f"{escape_readable(item.text)}" for item in view.items[:limit]]
    blocks += [section(chunk) for chunk in join_lines(rows)]
    if view.unread:
        blocks.append(actions(button("Mark all read", "cairn.run:read", "inbox read"),
                              block_id=f"inbox.{stamp}"))
    return blocks


@_blocks.register
def _activity(view: ActivityView, stamp: str) -> list[Block]:
    rows = [f"*{a.when}* {escape(a.text)}" for a in view.entries]
    blocks: list[Block] = [section(f"*{escape(view.title)}*")]
    if not rows:
        blocks.append(context("Nothing yet."))
    blocks += [section(chunk) for chunk in join_lines(rows)]
    return blocks
