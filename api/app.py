"""The API as an aiohttp application, mounted at /api/v1 on Cairn's server."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from api import milestones, people
from api.http import CONFIG, ApiConfig, Route, errors, handler_for
from api.openapi import document

PREFIX = "/api/v1"
ROUTES: tuple[Route, ...] = milestones.ROUTES + people.ROUTES
#: aiohttp's pattern for each path parameter (anything else is a 404, never a 500).
PATTERNS = {"{number}": "{number:[0-9]{1,9}}", "{handle}": "{handle:[A-Za-z0-9._@-]{1,80}}"}
SPEC = web.AppKey("api_spec", bytes)


def openapi_document() -> dict[str, Any]:
    return document(ROUTES, server=PREFIX)


async def spec(request: web.Request) -> web.Response:
    return web.Response(body=request.app[SPEC], content_type="application/json")


def build_api(config: ApiConfig) -> web.Application:
    app = web.Application(middlewares=[errors])
    app[CONFIG] = config
    app[SPEC] = json.dumps(openapi_document(), indent=1).encode()
    app.router.add_get("/openapi.json", spec)
    for route in ROUTES:
        path = route.path
        for plain, pattern in PATTERNS.items():
            path = path.replace(plain, pattern)
        app.router.add_route(route.method, path, handler_for(route))
    return app


def mount(app: web.Application, config: ApiConfig) -> None:
    app.add_subapp(PREFIX, build_api(config))
