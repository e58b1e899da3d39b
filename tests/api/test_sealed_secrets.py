"""Webhook signing secrets are stored sealed under `CAIRN_SECRET_KEY`, never in clear; without
the key, adding a webhook is refused plainly and serving refuses to start."""

from __future__ import annotations

import re

import pytest
from aiohttp import web
from cryptography.fernet import Fernet

from bots.shell.session import ShellSession
from core.bus import Deps
from core.tenancy import Plan
from storage import Database
from storage.webhooks.models import WebhookEndpointRow
from storage.webhooks.sealing import SecretBox, SecretKeyError
from tests.fakes import FrozenClock
from tests.shell.talk import refused, say
from wiring.runtime import Runtime
from wiring.settings import Settings
from wiring.webhooks import WebhooksAdapter

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
WHSEC = re.compile(r"`(whsec_[A-Za-z0-9+/=]+)`")


async def test_secrets_are_sealed_at_rest_and_needed_to_start(database: Database) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    database.secret_box = SecretBox(old)
    deps = Deps(uow=database.unit_of_work(), clock=FrozenClock())
    shell = await ShellSession.open(deps, tenant="acme", user="alice", plan=Plan.PROFESSIONAL)
    added = await say(shell, "webhook add https://hooks.example.com/a")
    secret = WHSEC.search(added).group(1)  # type: ignore[union-attr]
    async with deps.uow() as tx:
        [row] = await WebhookEndpointRow.all().using_db(await tx.connection())  # type: ignore
    stored = str(row.secrets[0]["value"])
    assert stored.startswith("fernet:") and secret not in str(row.secrets)
    assert SecretBox(f"{new},{old}").open(stored) == secret  # a rotated key still opens it
    assert "hooks.example.com" in await say(shell, "webhooks")

    database.secret_box = None
    keyless = Deps(uow=database.unit_of_work(), clock=FrozenClock())
    shell = await ShellSession.open(keyless, tenant="acme", user="alice")
    assert "CAIRN_SECRET_KEY" in await refused(shell, "webhook add https://hooks.example.com/b")
    runtime = Runtime(settings=Settings(database_url="sqlite://unused"), database=database,
                      deps=keyless)
    with pytest.raises(SecretKeyError, match="CAIRN_SECRET_KEY is not set"):
        await WebhooksAdapter().attach(runtime, web.Application())
    with pytest.raises(SecretKeyError, match="Fernet keys"):
        SecretBox("not a key")
