"""A body that names something not here (a parent, an owner, a person mentioned) is wrong
input, 422 with the field; only the milestone a path addresses is 404. Chat words both alike."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api
from tests.shell.talk import refused

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


@pytest.mark.parametrize(("method", "path", "body", "field"), [
    ("POST", "/milestones", {"title": "x", "parent": 999}, "parent"),
    ("POST", "/milestones", {"title": "x", "owner": "nobody"}, "owner"),
    ("PATCH", "/milestones/1", {"parent": 999}, "parent"),
    ("PATCH", "/milestones/1", {"title": "Kept back", "owner": "nobody"}, "owner"),
    ("PUT", "/milestones/1/members", {"owner": "nobody", "contributors": ["bob"]}, "owner"),
    ("PUT", "/milestones/1/members", {"owner": "bob", "contributors": ["nobody"]},
     "contributors"),
    ("POST", "/milestones/1/comments", {"text": "over to @nobody"}, "text"),
])
async def test_an_unknown_reference_in_a_body_is_422_naming_the_field(
        api: Api, method: str, path: str, body: dict[str, Any], field: str) -> None:
    token = await api.token('token new "CRM" write')
    await api.call("POST", "/milestones", token, json={"title": "Target"})
    status, problem, headers = await api.call(method, path, token, json=body)
    assert status == 422, problem
    assert headers["Content-Type"].startswith("application/problem+json")
    assert [e["field"] for e in problem["errors"]] == [field], problem
    assert ("#999" if "999" in str(body) else "@nobody") in problem["detail"]
    assert (await api.call("GET", "/milestones/1", token))[1]["title"] == "Target"


async def test_the_addressed_milestone_is_still_404_and_chat_words_both_alike(api: Api) -> None:
    token = await api.token('token new "CRM" write')
    status, problem, _ = await api.call("PATCH", "/milestones/7", token, json={"parent": 999})
    assert status == 404 and problem["errors"] == [], problem
    assert "There is no #999 here" in await refused(api.shell, 'task "Orphan" parent:#999')
    assert "I don't know @nobody here" in await refused(api.shell, 'task "Lost" owner:@nobody')
