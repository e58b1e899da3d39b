"""Tenants with their plan and its limits, and the people of a tenant with their role and
working time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum

from core.model import TenantId, UserId


class Role(StrEnum):
    ADMIN = "admin"
    MEMBER = "member"
    VIEWER = "viewer"


class Plan(StrEnum):
    FREE = "free"
    STARTER = "starter"
    PROFESSIONAL = "professional"
    ENTERPRISE = "enterprise"


@dataclass(frozen=True, slots=True)
class PlanLimits:
    users: int | None
    active_milestones: int | None


PLAN_LIMITS: dict[Plan, PlanLimits] = {
    Plan.FREE: PlanLimits(users=3, active_milestones=10),
    Plan.STARTER: PlanLimits(users=5, active_milestones=20),
    Plan.PROFESSIONAL: PlanLimits(users=25, active_milestones=None),
    Plan.ENTERPRISE: PlanLimits(users=None, active_milestones=None),
}


@dataclass(slots=True, kw_only=True)
class Tenant:
    id: TenantId | None = None
    slug: str
    name: str
    plan: Plan = Plan.FREE
    timezone: str = "UTC"
    created_at: datetime

    @property
    def limits(self) -> PlanLimits:
        return PLAN_LIMITS[self.plan]


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(slots=True, kw_only=True)
class User:
    id: UserId | None = None
    tenant_id: TenantId
    handle: str
    display_name: str
    email: str = ""
    timezone: str = "UTC"
    role: Role = Role.MEMBER
    working_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    work_starts: time = time(9, 0)
    work_ends: time = time(18, 0)
    created_at: datetime

    @property
    def mention(self) -> str:
        return f"@{self.handle}"
