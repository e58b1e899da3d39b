"""A write request is one unit of work: several fields land together or not at all, and the
`If-Match` check and the `Idempotency-Key` claim hold when requests race (PostgreSQL)."""

from __future__ import annotations

import asyncio

import pytest

from tests.api.conftest import Api
from tests.shell.talk import say


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_patch_of_four_fields_with_the_fourth_refused_changes_none(api: Api) -> None:
    token = await api.token('token new "CRM" write')
    await api.call("POST", "/milestones", token, json={"title": "Grow revenue", "kind": "goal"})
    await api.call("POST", "/milestones", token, json={"title": "Beta", "due_date": "2026-12-10"})
    before = (await api.call("GET", "/milestones/2", token))[1]

    status, problem, _ = await api.call("PATCH", "/milestones/2", token, json={
        "title": "Public beta", "due_date": "2026-12-24", "priority": "critical",
        "owner": "nobody"})
    assert status == 422 and "nobody" in problem["detail"], problem
    assert [e["field"] for e in problem["errors"]] == ["owner"], problem
    assert (await api.call("GET", "/milestones/2", token))[1] == before
    assert "Public beta" not in await say(api.shell, "activity #2")

    status, body, _ = await api.call("PATCH", "/milestones/2", token, json={
        "title": "Public beta", "due_date": "2026-12-24", "priority": "critical",
        "owner": "bob", "parent": 1})
    assert status == 200, body
    assert (body["title"], body["due_date"], body["priority"], body["owner"], body["parent"]) \
        == ("Public beta", "2026-12-24", "critical", "bob", 1)
    status, body, _ = await api.call("PATCH", "/milestones/2", token, json={"owner": None})
    assert status == 422 and body["errors"][0]["field"] == "owner", body


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_racing_writes_with_one_version_or_one_key_apply_once(api: Api) -> None:
    token = await api.token('token new "CRM" write')
    await api.call("POST", "/milestones", token, json={"title": "Beta"})
    tag = (await api.call("GET", "/milestones/1", token))[2]["ETag"]

    answers = await asyncio.gather(*(
        api.call("PATCH", "/milestones/1", token, headers={"If-Match": tag},
                 json={"title": f"Beta {i}"}) for i in range(4)))
    assert sorted(status for status, _, _ in answers) == [200, 412, 412, 412], answers
    won = next(body["title"] for status, body, _ in answers if status == 200)
    assert (await api.call("GET", "/milestones/1", token))[1]["title"] == won

    key = {"Idempotency-Key": "deal-7"}
    answers = await asyncio.gather(*(
        api.call("POST", "/milestones", token, headers=key, json={"title": "Deal 7"})
        for _ in range(4)))
    assert [status for status, _, _ in answers] == [201] * 4, answers
    assert len({body["number"] for _, body, _ in answers}) == 1
    assert sum(1 for _, _, headers in answers if "Idempotent-Replayed" in headers) == 3
    titles = [m["title"] for m in (await api.call("GET", "/milestones", token))[1]["items"]]
    assert titles.count("Deal 7") == 1
