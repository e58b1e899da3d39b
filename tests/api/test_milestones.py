"""Every milestone endpoint over HTTP, as integrators use them: through the core's use cases,
with the same permissions, roll-up and activity as chat."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api
from tests.shell.talk import say

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


async def test_create_get_update_check_in_done_reopen_and_delete(api: Api) -> None:
    token = await api.token('token new "CRM" write')
    status, goal, headers = await api.call("POST", "/milestones", token, json={
        "title": "Grow revenue", "kind": "goal", "due_date": "2026-12-31", "priority": "high",
        "tags": ["sales"]})
    assert status == 201, goal
    assert goal["number"] == 1 and goal["kind"] == "goal" and goal["owner"] == "alice"
    assert headers["Location"] == "/api/v1/milestones/1"
    status, child, _ = await api.call("POST", "/milestones", token, json={
        "title": "Launch beta", "parent": 1, "owner": "@bob"})
    assert status == 201 and child["parent"] == 1 and child["owner"] == "bob"

    status, body, headers = await api.call("POST", "/milestones/2/updates", token,
                                           json={"percent": 60, "notes": "five customers"})
    assert status == 201 and body["progress"] == 60
    assert (await api.call("GET", "/milestones/1", token))[1]["progress"] == 60  # rolled up
    assert "60%" in await say(api.shell, "show #2")  # the same milestone in chat

    status, body, etag = await api.call("GET", "/milestones/2", token)
    tag = etag["ETag"]
    assert (await api.call("GET", "/milestones/2", token,
                           headers={"If-None-Match": tag}))[0] == 304
    status, body, _ = await api.call("PATCH", "/milestones/2", token, headers={"If-Match": tag},
                                     json={"title": "Launch public beta", "due_date": None,
                                           "priority": "critical"})
    assert status == 200 and body["title"] == "Launch public beta"
    assert body["priority"] == "critical" and body["due_date"] is None
    status, body, _ = await api.call("PATCH", "/milestones/2", token, headers={"If-Match": tag},
                                     json={"title": "Stale"})
    assert status == 412 and body["status"] == 412
    assert (await api.call("GET", "/milestones/2", token))[1]["title"] == "Launch public beta"

    status, body, _ = await api.call("POST", "/milestones/2/done", token, json={"notes": "yay"})
    assert status == 200 and body["status"] == "done" and body["progress"] == 100
    status, body, _ = await api.call("POST", "/milestones/2/reopen", token)
    assert status == 200 and body["status"] != "done"

    status, body, _ = await api.call("DELETE", "/milestones/1", token)
    assert status == 409 or status == 422, body  # it has a child: the core refuses
    assert (await api.call("DELETE", "/milestones/2", token))[0] == 204
    assert (await api.call("GET", "/milestones/2", token))[0] == 404


async def test_comments_members_criterion_and_feeds(api: Api) -> None:
    token = await api.token('token new "CRM" write')
    await api.call("POST", "/milestones", token, json={"title": "Hire two AEs"})
    status, comment, _ = await api.call("POST", "/milestones/1/comments", token,
                                        json={"text": "@bob can you screen?"})
    assert status == 201 and comment["author"] == "alice"
    status, page, _ = await api.call("GET", "/milestones/1/comments", token)
    assert [c["text"] for c in page["items"]] == ["@bob can you screen?"]
    status, body, _ = await api.call("PUT", "/milestones/1/members", token,
                                     json={"owner": "bob", "contributors": ["alice"]})
    assert status == 200 and body["owner"] == "bob"
    assert {"handle": "alice", "role": "contributor"} in body["members"]
    status, body, _ = await api.call("PUT", "/milestones/1/criterion", token, json={
        "metric": "Hires", "start": 0, "target": 2, "unit": "people"})
    assert status == 200 and body["criterion"]["target"] == 2
    status, body, _ = await api.call("POST", "/milestones/1/criterion/value", token,
                                     json={"current": 1})
    assert status == 200 and body["progress"] == 50

    status, feed, _ = await api.call("GET", "/activity?limit=2", token)
    assert status == 200 and len(feed["items"]) == 2 and feed["next_cursor"]
    seen = [e["id"] for e in feed["items"]]
    cursor = feed["next_cursor"]
    while cursor:
        status, feed, _ = await api.call("GET", f"/activity?limit=2&cursor={cursor}", token)
        seen += [e["id"] for e in feed["items"]]
        cursor = feed["next_cursor"]
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen)) >= 4
    status, feed, _ = await api.call("GET", "/milestones/1/activity", token)
    assert {e["milestone"] for e in feed["items"]} == {1}

    bob = await api.token('token new "Bob" write', as_who="bob")
    status, inbox, _ = await api.call("GET", "/notifications", bob)
    assert status == 200 and any("screen" in n["text"] or n["milestone"] == 1
                                 for n in inbox["items"])
    status, me, _ = await api.call("PATCH", "/people/me", bob,
                                   json={"timezone": "Europe/Berlin", "name": "Bob B"})
    assert status == 200 and me["timezone"] == "Europe/Berlin" and me["name"] == "Bob B"
    status, people, _ = await api.call("GET", "/people", bob)
    assert [p["handle"] for p in people["items"]] == ["alice", "bob", "vera"]
    assert (await api.call("GET", "/people/alice", bob))[1]["role"] == "admin"
    assert (await api.call("GET", "/people/nobody", bob))[0] == 404


async def test_filters_and_pagination_to_the_end(api: Api) -> None:
    token = await api.token('token new "CRM" write')
    for i in range(7):
        await api.call("POST", "/milestones", token, json={
            "title": f"Task {i} {'beta' if i % 2 else 'gamma'}", "kind": "task",
            "owner": "bob" if i < 3 else "alice", "tags": ["q1"] if i == 4 else [],
            "due_date": f"2026-12-{10 + i}"})
    numbers: list[int] = []
    cursor = ""
    while True:
        status, page, _ = await api.call("GET", f"/milestones?limit=3{cursor}", token)
        assert status == 200 and len(page["items"]) <= 3
        numbers += [m["number"] for m in page["items"]]
        if not page["next_cursor"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert numbers == list(range(1, 8))
    got = await api.call("GET", "/milestones?owner=bob", token)
    assert [m["number"] for m in got[1]["items"]] == [1, 2, 3]
    got = await api.call("GET", "/milestones?tag=q1", token)
    assert [m["number"] for m in got[1]["items"]] == [5]
    got = await api.call("GET", "/milestones?q=beta&due_after=2026-12-12", token)
    assert [m["number"] for m in got[1]["items"]] == [4, 6]
    got = await api.call("GET", "/milestones?due_before=2026-12-12&kind=task", token)
    assert [m["number"] for m in got[1]["items"]] == [1, 2]
    got = await api.call("GET", "/milestones?status=done", token)
    assert got[1]["items"] == []


async def test_idempotent_posts_replay_and_refuse_another_body(api: Api) -> None:
    token = await api.token('token new "CRM" write')
    key = {"Idempotency-Key": "deal-42"}
    first = await api.call("POST", "/milestones", token, json={"title": "Deal 42"}, headers=key)
    again = await api.call("POST", "/milestones", token, json={"title": "Deal 42"}, headers=key)
    assert first[0] == again[0] == 201 and first[1] == again[1]
    assert again[2]["Idempotent-Replayed"] == "true"
    other = await api.call("POST", "/milestones", token, json={"title": "Deal 43"}, headers=key)
    assert other[0] == 422 and "another request" in other[1]["detail"]
    page = (await api.call("GET", "/milestones", token))[1]
    assert [m["title"] for m in page["items"]] == ["Deal 42"]


async def test_another_tenants_token_sees_nothing_of_this_one(api: Api) -> None:
    token = await api.token('token new "CRM" write')
    await api.call("POST", "/milestones", token, json={"title": "Acme secret"})
    await say(api.shell, "as @zed")  # a person of acme; now someone of another workspace:
    from bots.shell.session import ShellSession
    from core.tenancy import Plan
    other = await ShellSession.open(api.shell.deps, tenant="globex", user="gina",
                                    plan=Plan.PROFESSIONAL)
    theirs = (await other.answer('token new "Globex" write'))
    assert theirs is not None
    gtoken = theirs.text.split("`")[1]
    assert (await api.call("GET", "/milestones/1", gtoken))[0] == 404
    assert (await api.call("GET", "/milestones", gtoken))[1]["items"] == []
    assert (await api.call("PATCH", "/milestones/1", gtoken, json={"title": "x"}))[0] == 404
    assert (await api.call("POST", "/milestones/1/done", gtoken))[0] == 404
    assert (await api.call("GET", "/people/alice", gtoken))[0] == 404
    assert (await api.call("GET", "/milestones/1", token))[1]["title"] == "Acme secret"


@pytest.mark.parametrize(("method", "path", "body", "expected"), [
    ("POST", "/milestones", {"title": ""}, 422),
    ("POST", "/milestones", {"title": "x", "surprise": 1}, 422),
    ("POST", "/milestones", {"title": "x", "due_date": "someday"}, 422),
    ("POST", "/milestones", {"title": "x", "parent": 999}, 422),
    ("POST", "/milestones", {"title": "x", "owner": "nobody"}, 422),
    ("POST", "/milestones", ["a list"], 422),
    ("POST", "/milestones/1/updates", {"percent": 101}, 422),
    ("POST", "/milestones/1/updates", {}, 422),
    ("POST", "/milestones/1/criterion/value", {"current": 1}, 422),
    ("PUT", "/milestones/1/criterion", {"metric": "x", "start": 1, "target": 1}, 422),
    ("GET", "/milestones?limit=500", None, 422),
    ("GET", "/milestones?cursor=!!", None, 422),
    ("GET", "/milestones?status=sleeping", None, 422),
    ("GET", "/milestones/abc", None, 404),
    ("GET", "/milestones/99999999999999", None, 404),
    ("GET", "/nowhere", None, 404),
    ("DELETE", "/milestones", None, 405),
])
async def test_hostile_input_gets_a_problem_never_a_500(api: Api, method: str, path: str,
                                                         body: object, expected: int) -> None:
    token = await api.token('token new "CRM" write')
    await api.call("POST", "/milestones", token, json={"title": "Target"})
    status, problem, headers = await api.call(method, path, token, json=body)
    assert status == expected, problem
    assert headers["Content-Type"].startswith("application/problem+json")
    assert problem["status"] == expected and problem["title"]


async def test_bodies_that_are_not_json(api: Api) -> None:
    token = await api.token('token new "CRM" write')
    status, body, _ = await api.call("POST", "/milestones", token, data=b"{not json",
                                     headers={"Content-Type": "application/json"})
    assert status == 400 and body["status"] == 400
    status, body, _ = await api.call("POST", "/milestones", token, data=b"title=x",
                                     headers={"Content-Type": "text/plain"})
    assert status == 415
    status, body, _ = await api.call("POST", "/milestones", token, data="\xff".encode("latin1"),
                                     headers={"Content-Type": "application/json"})
    assert status == 400
