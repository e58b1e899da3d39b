"""OpenAPI links: which value of an answer addresses the next request.

An integrator (and schemathesis' stateful tests) can follow them from the document alone:
a milestone answer leads to everything under `/milestones/{number}` (a read's `ETag` becomes
the `If-Match` of the conditional write after it), to a child created under it, and to its
members with its owner kept; a comment or a deletion leads back to the milestone; a new
webhook leads to its log and its removal; a list leads to its first item. Derived from the
routes, so a new route under a resource is linked without listing it here.
"""

from __future__ import annotations

from typing import Any

from api.http import Route
from api.schemas import MilestoneOut, WebhookCreated

MILESTONE = "/milestones/{number}"
WEBHOOK = "/webhooks/{id}"
NUMBER = "$response.body#/number"
SAME_NUMBER = "$request.path.number"


def _name(operation: str) -> str:
    return operation[:1].upper() + operation[1:]


def _under(routes: tuple[Route, ...], path: str) -> list[Route]:
    return [r for r in routes if r.path == path or r.path.startswith(path + "/")]


def links(route: Route, routes: tuple[Route, ...]) -> dict[str, dict[str, Any]]:
    """The links of the route's success answer, by name."""
    found: dict[str, dict[str, Any]] = {}
    if route.response is MilestoneOut:
        for target in _under(routes, MILESTONE):
            parameters = {"number": NUMBER}
            if route.method == "GET" and target.conditional:
                parameters["header.If-Match"] = "$response.header.ETag"
            found[_name(target.operation)] = {"operationId": target.operation,
                                              "parameters": parameters}
        for target in routes:
            if target.path == "/milestones" and target.method == "POST":
                found["CreateChild"] = {"operationId": target.operation,
                                        "requestBody": {"parent": NUMBER}}
            if target.path == MILESTONE + "/members":
                found["KeepOwner"] = {"operationId": target.operation,
                                      "parameters": {"number": NUMBER},
                                      "requestBody": {"owner": "$response.body#/owner"}}
    elif route.path.startswith(MILESTONE):
        # A comment, a deletion, a feed: the same milestone, read back.
        for target in routes:
            if target.path in (MILESTONE, MILESTONE + "/comments") and target.method == "GET":
                found[_name(target.operation)] = {"operationId": target.operation,
                                                  "parameters": {"number": SAME_NUMBER}}
    if route.response is WebhookCreated:
        for target in _under(routes, WEBHOOK):
            found[_name(target.operation)] = {"operationId": target.operation,
                                              "parameters": {"id": "$response.body#/id"}}
    elif route.path == WEBHOOK:
        for target in (r for r in routes if r.path.startswith(WEBHOOK + "/")):
            found[_name(target.operation)] = {"operationId": target.operation,
                                              "parameters": {"id": "$request.path.id"}}
    if route.method == "GET" and route.path in ("/milestones", "/people"):
        one = "/milestones/{number}" if route.path == "/milestones" else "/people/{handle}"
        key = "number" if route.path == "/milestones" else "handle"
        for target in routes:
            if target.path == one and target.method == "GET":
                found[_name(target.operation)] = {
                    "operationId": target.operation,
                    "parameters": {key: f"$response.body#/items/0/{key}"}}
    return found
