"""The edge rule, checked on a fully wired server: every route that takes a body from outside
(a POST) is behind `wiring.edge.guarded`, with its cap, so nothing parses a request that has
not been read under a limit and authenticated first. A platform added later (Teams'
`/api/messages`) fails here until its route is guarded too."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.google_calendar_fake import FakeGoogleCalendar
from wiring.runtime import Runtime, start_runtime
from wiring.server import attach_adapters, build_app
from wiring.settings import Settings


@pytest.fixture(params=("sqlite",))
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)  # a rule of the wiring: one database is enough


@pytest.fixture
async def runtime(database_url: str, tmp_path: Path) -> AsyncIterator[Runtime]:
    google = FakeGoogleCalendar()
    await google.start()
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=database_url, slack_signing_secret="s" * 32,
        slack_bot_token="xoxb-edge", slack_api_url="http://127.0.0.1:9/api/",
        google_application_credentials=str(google.credentials_file(tmp_path)),
        google_calendar_id="edge@group.calendar.google.com", google_api_url=google.url,
        public_url="https://cairn.example.com", teams_enabled=True)
    runtime = await start_runtime(settings, migrate=False)
    try:
        yield runtime
    finally:
        await runtime.close()
        await google.close()


async def test_every_route_that_takes_a_body_is_guarded(runtime: Runtime) -> None:
    app = build_app(runtime)
    attached = await attach_adapters(runtime, app)
    try:
        posts = {route.resource.canonical: route.handler for route in app.router.routes()
                 if route.method == "POST" and route.resource is not None}
        assert {"/slack/events", "/google/notifications", "/api/messages"} <= set(posts)
        for path, handler in posts.items():
            limit = getattr(handler, "cairn_edge_limit", None)
            assert limit is not None, f"POST {path} is not behind wiring.edge.guarded"
            assert 0 < limit <= 1024 * 1024, (path, limit)
    finally:
        for hook in (h for a in attached for h in a.on_stop):
            await hook()
