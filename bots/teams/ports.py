"""What the Teams front end needs from storage, as Protocols (implemented by
`storage.teams.TortoiseTeamsStore`, passed in by the wiring; neither side imports the other).

A conversation reference is the Bot Framework's address of a conversation: the JSON of the
SDK's `ConversationReference` (`model_dump(mode="json", by_alias=True, exclude_none=True)`:
`serviceUrl`, `channelId`, `conversation`, `bot`, `user`, ...). Storage keeps it as given and
gives it back as given; only `bots.teams` knows its shape. A proactive message (a nudge, a
digest, a card in a home channel) is sent through the latest one stored, so every inbound
activity saves it again (the service URL of a tenant can change).

Teams identifies a company by its Entra tenant id and a person by their AAD object id within
it. Ids are at most `MAX_ID` characters; longer ones are refused with `ValueError` before
anything is written (on every backend alike).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, Literal, Protocol

MAX_ID = 255
Reference = dict[str, Any]
ConversationKind = Literal["channel", "groupChat"]


class StoredConversation(Protocol):
    """A channel or group chat Cairn may post in, as last seen (storage answers with a record
    of its own that has these attributes)."""

    @property
    def tenant_id(self) -> int: ...
    @property
    def teams_tenant_id(self) -> str: ...
    @property
    def conversation_id(self) -> str: ...
    @property
    def kind(self) -> str: ...  # a ConversationKind
    @property
    def reference(self) -> Reference: ...
    @property
    def team_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def updated_at(self) -> datetime: ...


class TeamsTenantDirectory(Protocol):
    """Which Cairn tenant each Teams (Entra) tenant belongs to."""

    async def tenant_of(self, teams_tenant_id: str) -> int | None:
        """The Cairn tenant a Teams tenant belongs to, if it has one."""
        ...

    async def link_teams_tenant(self, teams_tenant_id: str, tenant_id: int, *, name: str,
                                at: datetime) -> int:
        """Links a Teams tenant to a Cairn tenant unless it has one already (the first link
        stands, also against a concurrent one); returns the Cairn tenant it belongs to."""
        ...

    async def teams_tenants_of(self, tenant_id: int) -> list[str]:
        """The Teams tenants linked to a Cairn tenant, oldest link first."""
        ...


class ConversationReferences(Protocol):
    """Where to reach each person (their personal chat with the bot) and each channel or group
    chat, per Cairn tenant."""

    async def save_personal_reference(self, tenant_id: int, user_id: int, *,
                                      teams_tenant_id: str, aad_object_id: str,
                                      reference: Reference, at: datetime) -> None:
        """Keeps the latest reference of a person's personal chat: one per person per Teams
        tenant, re-pointed to `user_id` if the person is another Cairn user now (linked)."""
        ...

    async def personal_references_of(self, tenant_id: int, user_ids: Collection[int]
                                     ) -> dict[int, Reference]:
        """Cairn user id -> the latest reference of their personal chat, for the users of
        this tenant given (those without one are left out)."""
        ...

    async def personal_reference(self, teams_tenant_id: str, aad_object_id: str
                                 ) -> Reference | None:
        """A person's personal chat, by their Teams identity."""
        ...

    async def save_conversation_reference(self, tenant_id: int, *, teams_tenant_id: str,
                                          conversation_id: str, kind: ConversationKind,
                                          reference: Reference, at: datetime,
                                          team_id: str = "", name: str = "") -> None:
        """Keeps the latest reference of a channel or group chat (a channel's id without any
        `;messageid=` thread suffix)."""
        ...

    async def conversation_reference(self, tenant_id: int, conversation_id: str
                                     ) -> StoredConversation | None:
        """A channel or group chat of this tenant (of any of its Teams tenants)."""
        ...

    async def conversations_of(self, tenant_id: int) -> Sequence[StoredConversation]:
        """Every channel and group chat of this tenant, most recently seen first."""
        ...

    async def forget_conversation(self, teams_tenant_id: str, conversation_id: str) -> int:
        """The bot was removed from a conversation (or a personal chat): its references go.
        Returns how many were forgotten."""
        ...


class ProcessedKeys(Protocol):
    """Clicks already acted on: the first claim of a key wins, every later one is a repeat.

    Until the core claims idempotency keys inside the command's own unit of work, the Teams
    front end claims the click's key here just before running the command and releases it
    when the command is refused, so a refused click can be tried again."""

    async def claim_key(self, key: str, *, tenant_id: int | None, at: datetime) -> bool: ...

    async def release_key(self, key: str) -> None: ...

    async def forget_keys(self, *, before: datetime) -> int: ...


class CardPosts(Protocol):
    """Where each milestone's card lives in its home channel: (conversation id, activity id of
    the card), the root its updates and comments reply under."""

    async def card_of(self, tenant_id: int, milestone_id: int) -> tuple[str, str] | None: ...

    async def save_card(self, tenant_id: int, milestone_id: int, *, conversation_id: str,
                        activity_id: str, at: datetime) -> None: ...

    async def forget_card(self, tenant_id: int, milestone_id: int) -> None: ...


class TeamsStore(TeamsTenantDirectory, ConversationReferences, ProcessedKeys, CardPosts,
                 Protocol):
    """Everything above, as one object."""
