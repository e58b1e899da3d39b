"""Tokens as people make them in chat: shown once, listed, revoked; the API knows them."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api
from tests.shell.talk import refused, say

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


async def test_a_token_made_in_chat_reads_the_api_until_it_is_revoked(api: Api) -> None:
    answer = await say(api.shell, 'token new "CRM sync" write')
    assert "Shown this once" in answer and "milestones:write" in answer
    token = api_token = answer.split("`")[1]
    status, body, headers = await api.call("GET", "/milestones", token)
    assert status == 200 and body == {"items": [], "next_cursor": None}
    assert headers["RateLimit-Limit"] == "600" and headers["RateLimit-Remaining"] == "599"

    listed = await say(api.shell, "tokens")
    assert "CRM sync" in listed and api_token not in listed and api_token[:10] in listed
    await refused(api.shell, 'token new "crm SYNC"')
    await say(api.shell, 'token revoke "CRM sync"')
    status, body, headers = await api.call("GET", "/milestones", token)
    assert status == 401 and body["status"] == 401 and "revoked" in body["detail"]
    assert headers["Content-Type"].startswith("application/problem+json")
    assert "no API tokens" in await say(api.shell, "tokens")


async def test_no_token_a_malformed_one_and_a_made_up_one_are_401_problems(api: Api) -> None:
    for header in (None, "Bearer", "Basic abc", "Bearer cairn_short",
                   "Bearer cairn_" + "x" * 43):
        headers = {"Authorization": header} if header else {}
        status, body, _ = await api.call("GET", "/milestones", None, headers=headers)
        assert status == 401, header
        assert body["title"] == "Unauthorized" and body["type"] == "about:blank"


async def test_a_read_token_cannot_write_and_a_viewer_cannot_either(api: Api) -> None:
    reader = await api.token('token new "Dashboards" read')
    status, body, _ = await api.call("POST", "/milestones", reader, json={"title": "X"})
    assert status == 403 and "milestones:write" in body["detail"]
    viewer = await api.token('token new "Viewer sync" write', as_who="vera")
    status, body, _ = await api.call("POST", "/milestones", viewer, json={"title": "X"})
    assert status == 403, body


async def test_app_tokens_are_for_admins_and_carry_their_scopes(api: Api) -> None:
    await say(api.shell, "as @bob")
    await refused(api.shell, 'token new "Zapier" app milestones:read')
    app = await api.token('token new "Zapier" app milestones:read', as_who="alice")
    assert (await api.call("GET", "/milestones", app))[0] == 200
    assert (await api.call("GET", "/people", app))[0] == 403
    assert "App tokens" in await say(api.shell, "tokens")
    await say(api.shell, 'token revoke app "Zapier"')
    assert (await api.call("GET", "/milestones", app))[0] == 401
