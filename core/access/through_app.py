"""An app token's requests: carried out by the admin who made it, through the app.

Every change such a request makes is recorded with the app's name (`Event.via`), so the
activity feed, threads and webhook payloads say "@alice via Zapier" rather than passing the
app's work off as the admin's own. Its rights are its scopes, bounded by the admin's role; an
admin who is no longer one no longer lends it anything (`use_cases.authenticate`).
"""

from __future__ import annotations

from dataclasses import replace

from core.delegating_unit import DelegatingUnitOfWork
from core.events import Event
from core.model import TenantId
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.use_case import Deps


class _ThroughApp(DelegatingUnitOfWork):
    """The unit of work itself, except that what it publishes says which app did it."""

    def __init__(self, inner: UnitOfWork, app: str) -> None:
        super().__init__(inner)
        self._app = app

    async def publish(self, event: Event) -> None:
        await self._inner.publish(replace(event, via=self._app))


class _ThroughAppFactory:
    def __init__(self, inner: UnitOfWorkFactory, app: str) -> None:
        self._inner = inner
        self._app = app

    def __call__(self, tenant_id: TenantId | None = None) -> UnitOfWork:
        return _ThroughApp(self._inner(tenant_id), self._app)


def through_app(deps: Deps, app: str) -> Deps:
    """`deps` whose units of work record every change as made through `app`."""
    return replace(deps, uow=_ThroughAppFactory(deps.uow, app))
