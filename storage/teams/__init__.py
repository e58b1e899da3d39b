"""Teams' own tables: which Teams (Entra) tenant is which Cairn tenant, and the conversation
references proactive messages are sent through (a person's personal chat, a channel, a group
chat). Its own tortoise app (`teams`), registered in `storage.config.APPS`.
"""

from storage.teams.store import TeamsConversation, TortoiseTeamsStore

__all__ = ["TeamsConversation", "TortoiseTeamsStore"]
