"""Which of a person's platforms a nudge goes to: one person on Slack and Teams is nudged once,
on the platform they used last, unless they chose (`me notify slack|teams|both`)."""

from __future__ import annotations

from collections.abc import Sequence

from core.linking.ports import NotifyChoice


def platform_of(identity: str) -> str:
    return identity.split(":", 1)[0]


def routed(identities: Sequence[str], choice: NotifyChoice | None) -> tuple[str, ...]:
    """The identities a nudge should reach (all of them when only one platform knows the
    person, or when the chosen platform does not)."""
    platforms = {platform_of(i) for i in identities}
    if len(platforms) < 2 or choice is None or choice.choice == "both":
        return tuple(identities)
    wanted = choice.choice if choice.choice != "last" else choice.last_platform
    if wanted not in platforms:
        # No platform seen since linking: the one they had first (identities come oldest first).
        wanted = platform_of(identities[0]) if choice.choice == "last" else ""
    chosen = tuple(i for i in identities if platform_of(i) == wanted)
    return chosen or tuple(identities)
