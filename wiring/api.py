"""The REST API on Cairn's server: always on, over the same use cases as chat."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from api.app import mount
from api.http import ApiConfig
from core.services.replays import forget_old
from wiring.runtime import Runtime
from wiring.scheduler import PeriodicJob


def attach_api(runtime: Runtime, app: web.Application) -> None:
    mount(app, ApiConfig(deps=runtime.deps, rate_limit=runtime.settings.api_rate_limit))


def api_jobs(runtime: Runtime) -> list[PeriodicJob]:
    async def forget() -> object:
        return await forget_old(runtime.deps)

    return [PeriodicJob("api:replays", timedelta(hours=1), forget)]
