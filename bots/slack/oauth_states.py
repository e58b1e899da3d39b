"""OAuth `state` values for Slack installs, kept in Cairn's database (slack_sdk's state store)."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Any

from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bots.slack.ports import OAuthStates
from core.ports import Clock

logger = logging.getLogger(__name__)

STATE_LIFETIME = timedelta(minutes=10)


class CairnStateStore(AsyncOAuthStateStore):
    """OAuth `state` values in the database: any instance can finish an install another began."""

    def __init__(self, states: OAuthStates, clock: Clock) -> None:
        self._states = states
        self._clock = clock

    @property
    def logger(self) -> logging.Logger:
        return logger

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        await self._states.issue_state(state, expires_at=self._clock.now() + STATE_LIFETIME)
        return state

    async def async_consume(self, state: str) -> bool:
        if not state or len(state) > 200:
            return False
        return await self._states.consume_state(state, now=self._clock.now())
