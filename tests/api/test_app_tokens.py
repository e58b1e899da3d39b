"""App tokens: made by admins in chat with scopes, their changes shown as made through the
app, and stopped when the admin behind them is no longer one."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api
from tests.shell.talk import refused, say

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


async def test_an_app_token_writes_as_the_app_and_stops_with_its_admin(api: Api) -> None:
    await say(api.shell, "role @bob admin")
    zapier = await api.token('token new app "Zapier" scopes:milestones:read,milestones:write',
                             as_who="bob")
    status, body, _ = await api.call("POST", "/milestones", zapier, json={"title": "Deal won"})
    assert status == 201 and body["owner"] == "bob", body
    status, body, _ = await api.call("PATCH", "/milestones/1", zapier,
                                     json={"priority": "high"})
    assert status == 200, body
    feed = (await api.call("GET", "/milestones/1/activity", zapier))[1]["items"]
    assert {(e["actor"], e["via"]) for e in feed} == {("bob", "Zapier")}
    assert "@bob via Zapier created milestone #1" in await say(api.shell, "activity #1")
    status, body, _ = await api.call("GET", "/people", zapier)
    assert status == 403 and "people:read" in body["detail"]

    personal = await api.token('token new "Mine" write', as_who="bob")
    await api.call("POST", "/milestones/1/updates", personal, json={"percent": 10})
    latest = (await api.call("GET", "/milestones/1/activity", personal))[1]["items"][0]
    assert latest["verb"] == "progress" and latest["via"] is None

    await say(api.shell, "as @alice")
    await say(api.shell, "role @bob member")
    status, body, _ = await api.call("GET", "/milestones", zapier)
    assert status == 401 and "no longer an admin" in body["detail"], body
    assert (await api.call("GET", "/milestones", personal))[0] == 200


async def test_app_token_grammar_refuses_unknown_scopes_and_members(api: Api) -> None:
    answer = await refused(api.shell, 'token new app "Make" scopes:milestones:read,everything')
    assert "`everything` is not read, write or a scope" in answer
    assert 'token new app "Zapier" scopes:' in answer
    await refused(api.shell, 'token new app "Make"')
    await say(api.shell, "as @bob")
    await refused(api.shell, 'token new app "Make" scopes:milestones:read')
