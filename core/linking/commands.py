"""The linking verbs: `link teams|slack`, `link <code>`, `unlink [slack|teams]`,
`me notify slack|teams|both|last`.

`here` is the identity prefix of the platform workspace the line was typed in
(`slack:T1:`, `teams:<tenant id>:`): which Slack workspace or Teams tenant joins or leaves.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.commands import Command
from core.views import Notice

PLATFORMS = ("slack", "teams")
NOTIFY_CHOICES = ("last", "slack", "teams", "both")


@dataclass(frozen=True, slots=True, kw_only=True)
class IssueLinkCode(Command[Notice]):
    here: str
    other: str  # the platform whose admin will type the code


@dataclass(frozen=True, slots=True, kw_only=True)
class RedeemLinkCode(Command[Notice]):
    here: str
    code: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Unlink(Command[Notice]):
    here: str
    platform: str = ""  # "" for every linked workspace


@dataclass(frozen=True, slots=True, kw_only=True)
class ChooseNotifyPlatform(Command[Notice]):
    choice: str
