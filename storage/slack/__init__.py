"""Slack's own tables: installations (tokens encrypted by the caller), OAuth states, which
workspace is which tenant, processed request keys, the signatures of recent slash commands (to
refuse replays), each milestone's card message, and the Slack user behind each Cairn user. Its
own tortoise app (`slack`), registered in `storage.config.APPS`.
"""

from storage.slack.store import TortoiseSlackStore

__all__ = ["TortoiseSlackStore"]
