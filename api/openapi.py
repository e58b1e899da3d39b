"""The OpenAPI 3.1 document, generated from the routes and their pydantic models, with the
links between them (`api.links`)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from api.http import Route
from api.links import links
from api.schemas import Problem

REF = "#/components/schemas/{model}"
PATH_PARAM = re.compile(r"{(\w+)}")
ERRORS = {"400": "Malformed request", "401": "No token, or an unknown or revoked one",
          "403": "The token lacks the scope, or the person the right",
          "404": "Not found in this workspace", "409": "Conflicts with the current state",
          "412": "If-Match names an old version", "415": "Not JSON",
          "422": "Invalid input", "429": "Rate limit reached", "503": "Database unreachable"}
PARAM_SCHEMAS = {"number": {"type": "integer", "minimum": 1, "maximum": 999_999_999},
                 "id": {"type": "integer", "minimum": 1, "maximum": 999_999_999},
                 "handle": {"type": "string", "pattern": "^[A-Za-z0-9._@-]{1,80}$"}}


def document(routes: tuple[Route, ...], *, server: str = "/api/v1") -> dict[str, Any]:
    models: set[type[BaseModel]] = {Problem}
    for route in routes:
        models |= {m for m in (route.body, route.response) if m is not None}
    _, schemas = models_json_schema([(m, "validation") for m in sorted(
        models, key=lambda m: m.__name__)], ref_template=REF)
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route, routes)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Cairn API", "version": "1.0.0",
                 "description": "Milestones, check-ins, people and feeds of one workspace. "
                                "Make a token in chat: `token new \"name\" write`."},
        "servers": [{"url": server}],
        "paths": paths,
        "components": {
            "schemas": schemas.get("$defs", {}),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "A Cairn token (cairn_…)."}},
        },
        "security": [{"bearer": []}],
    }


def _operation(route: Route, routes: tuple[Route, ...]) -> dict[str, Any]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": PARAM_SCHEMAS[name]}
        for name in PATH_PARAM.findall(route.path)]
    if route.params is not None:
        schema = route.params.model_json_schema(ref_template=REF)
        for name, prop in schema.get("properties", {}).items():
            prop = dict(prop)
            prop.pop("title", None)
            params.append({"name": name, "in": "query", "required": False, "schema": prop})
    if route.method == "POST":
        params.append({"name": "Idempotency-Key", "in": "header", "required": False,
                       "schema": {"type": "string", "minLength": 1, "maxLength": 255}})
    if route.conditional:
        params.append({"name": "If-Match", "in": "header", "required": False,
                       "schema": {"type": "string"}})
    if route.cached:
        params.append({"name": "If-None-Match", "in": "header", "required": False,
                       "schema": {"type": "string"}})
    responses: dict[str, Any] = {}
    if route.response is None:
        responses[str(route.status)] = {"description": "Done"}
    else:
        ok = {"description": "OK", "content": {"application/json": {
            "schema": {"$ref": REF.format(model=route.response.__name__)}}}}
        responses[str(route.status)] = ok
    if found := links(route, routes):
        responses[str(route.status)]["links"] = found
    if route.cached:
        responses["304"] = {"description": "Not modified (If-None-Match)"}
    problem = {"application/problem+json": {"schema": {"$ref": REF.format(model="Problem")}}}
    for code, text in ERRORS.items():
        responses.setdefault(code, {"description": text, "content": problem})
    operation: dict[str, Any] = {
        "operationId": route.operation, "summary": route.summary, "tags": [route.tag],
        "parameters": params, "responses": responses,
        "security": [{"bearer": [route.scope.value]}],
    }
    if route.body is not None:
        required = any(f.is_required() for f in route.body.model_fields.values())
        operation["requestBody"] = {"required": required, "content": {"application/json": {
            "schema": {"$ref": REF.format(model=route.body.__name__)}}}}
    return operation
