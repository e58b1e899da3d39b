"""Discussion: comments with @mentions that reach the people named."""

from __future__ import annotations

from core.commands import AddComment
from core.errors import UnknownReference
from core.events import CommentAdded
from core.field_checks import DESCRIPTION_MAX, check_text
from core.history import Comment
from core.milestones.card_loader import milestone_card
from core.permissions import Right
from core.use_case import (
    Deps,
    authorize,
    current_user,
    find_milestone,
    label,
    notify,
    reader,
    resolve_users,
)
from core.views import MilestoneCard

EXCERPT = 140


def excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


async def add_comment(cmd: AddComment, deps: Deps) -> MilestoneCard:
    now = deps.clock.now()
    body = check_text("comment", cmd.text, DESCRIPTION_MAX, hint="link a document for more")
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        m = await find_milestone(tx, cmd.milestone)
        await authorize(tx, me, Right.COMMENT, m)
        try:
            mentioned = await resolve_users(tx, cmd.mentions, named_as="mentions")
        except UnknownReference as missing:
            raise UnknownReference(missing.field, f"{missing.message}, so I kept the comment back",
                                   value=missing.value,
                                   hint="`people` lists everyone; fix the name and send it again"
                                   ) from None
        assert m.id is not None and me.id is not None
        ids = [u.id for u in mentioned if u.id is not None]
        comment = await tx.comments.add(Comment(
            tenant_id=m.tenant_id, milestone_id=m.id, author_id=me.id, body=body,
            mentions=ids, created_at=now))
        assert comment.id is not None
        short = excerpt(body)
        await tx.publish(CommentAdded(tenant_id=m.tenant_id, milestone_id=m.id, actor_id=me.id,
                                      at=now, comment_id=comment.id, excerpt=short,
                                      mentions=tuple(ids)))
        await notify(tx, ids, kind="mention",
                     text=f"@{me.handle} mentioned you on {label(m)}: “{short}”",
                     milestone=m, actor=me, at=now)
        others = [u for u in [m.owner_id, *m.member_ids()] if u not in ids]
        await notify(tx, others, kind="comment",
                     text=f"@{me.handle} commented on {label(m)}: “{short}”",
                     milestone=m, actor=me, at=now)
        told = f", told {', '.join('@' + u.handle for u in mentioned)}" if mentioned else ""
        view = await milestone_card(tx, m, reader(me, deps.clock),
                                    headline=f"Commented on {m.ref}{told}")
        await tx.commit()
    return view
