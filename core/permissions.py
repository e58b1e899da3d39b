"""Who may do what.

Viewers read. Members create, and update what they own or contribute to. Owners (of the
milestone or of any milestone above it) and admins edit, assign, move, cancel and delete. Tenancy
is enforced below this, by units of work that only ever see one tenant.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import StrEnum

from core.errors import Forbidden
from core.model import Milestone, MilestoneId, UserId
from core.tenancy import Role, User


class Right(StrEnum):
    READ = "read"
    COMMENT = "comment"
    CREATE = "create"
    UPDATE = "update"
    EDIT = "edit"
    ADMIN = "admin"


AncestorOwners = Callable[[MilestoneId | None], Awaitable[set[UserId]]]

_PHRASES = {
    Right.COMMENT: "comment",
    Right.CREATE: "create milestones",
    Right.UPDATE: "update",
    Right.EDIT: "change",
    Right.ADMIN: "do that",
}


def may(user: User, right: Right, milestone: Milestone | None, ancestor_owners: set[UserId]
        ) -> bool:
    if right == Right.READ:
        return True
    if user.role == Role.VIEWER:
        return False
    if user.role == Role.ADMIN or right in (Right.COMMENT, Right.CREATE):
        return True
    if right == Right.ADMIN or milestone is None:
        return False
    if user.id == milestone.owner_id or user.id in ancestor_owners:
        return True
    return right == Right.UPDATE and user.id in milestone.member_ids()


async def require(
    user: User, right: Right, milestone: Milestone | None, ancestor_owners: AncestorOwners
) -> None:
    """Raises Forbidden with who could do it instead; looks up ancestors only when needed."""
    if may(user, right, milestone, set()):
        return
    if (
        milestone is not None
        and user.role == Role.MEMBER
        and right in (Right.UPDATE, Right.EDIT)
        and user.id in await ancestor_owners(milestone.parent_id)
    ):
        return
    raise Forbidden(_refusal(user, right, milestone), hint=_hint(user, right, milestone))


def _refusal(user: User, right: Right, milestone: Milestone | None) -> str:
    if user.role == Role.VIEWER:
        return "viewers can read everything but change nothing"
    if right == Right.ADMIN:
        return "only an admin can do that"
    assert milestone is not None
    who = "its owner, the owners above it or an admin"
    if right == Right.UPDATE:
        who = "its owner, its contributors, the owners above it or an admin"
    return f"only {who} can {_PHRASES[right]} {milestone.ref}"


def _hint(user: User, right: Right, milestone: Milestone | None) -> str:
    if user.role == Role.VIEWER:
        return f"an admin can make you a member: role @{user.handle} member"
    if right == Right.ADMIN or milestone is None:
        return "`people` shows who the admins are"
    return f"`comment {milestone.ref} …` reaches its owner"
