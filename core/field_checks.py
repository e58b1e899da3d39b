"""The limits of what people type into a milestone's fields, and the checks that enforce them
with a clear message."""

from __future__ import annotations

from collections.abc import Iterable

from core.errors import InvalidInput

TITLE_MAX = 200
DESCRIPTION_MAX = 4000
NOTE_MAX = 2000
TAG_MAX = 40
LINK_MAX = 500
TAGS_MAX = 20
LINKS_MAX = 20


def check_percent(percent: int, ref: str = "#N") -> None:
    if not 0 <= percent <= 100:
        raise InvalidInput(
            "percent", f"progress must be between 0% and 100%, not {percent}%",
            hint=f"update {ref} 60% on track",
        )


def check_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise InvalidInput("title", "a title is needed", hint='milestone "Launch beta" due:friday')
    if len(title) > TITLE_MAX:
        raise InvalidInput(
            "title",
            f"the title is {len(title):,} characters long; keep it under {TITLE_MAX}",
            hint="put the details in the description: desc:\"...\"",
        )
    return title


#: Fields named in the plural: "the notes are …", not "the notes is …".
PLURAL_FIELDS = frozenset({"notes", "blockers"})


def check_text(field_name: str, text: str, limit: int, hint: str = "") -> str:
    text = text.strip()
    if len(text) > limit:
        verb, them = ("are", "them") if field_name in PLURAL_FIELDS else ("is", "it")
        raise InvalidInput(
            field_name,
            f"the {field_name} {verb} {len(text):,} characters long; keep {them} under {limit:,}",
            hint=hint,
        )
    return text


def check_tags(tags: Iterable[str]) -> list[str]:
    """Tags as given, without repeats; too many or too long is refused, never cut short."""
    unique = list(dict.fromkeys(tags))
    if len(unique) > TAGS_MAX:
        raise InvalidInput("tags", f"that is {len(unique):,} tags; a milestone takes up to "
                           f"{TAGS_MAX}", hint="tags:launch,beta,q1")
    for tag in unique:
        if len(tag) > TAG_MAX:
            raise InvalidInput("tags", f"the tag “{tag[:20]}…” is {len(tag):,} characters long; "
                               f"keep tags under {TAG_MAX}", hint="tags:launch,beta,q1")
    return unique


def check_links(links: Iterable[str]) -> list[str]:
    """Links as given, without repeats; too many or too long is refused, never cut short."""
    unique = list(dict.fromkeys(links))
    if len(unique) > LINKS_MAX:
        raise InvalidInput("links", f"that makes {len(unique):,} links; a milestone keeps up to "
                           f"{LINKS_MAX}", hint="put a list of links in one document")
    for link in unique:
        if len(link) > LINK_MAX:
            raise InvalidInput("links", f"a link of {len(link):,} characters is too long; the "
                               f"most is {LINK_MAX}", hint="link:https://example.com/spec")
    return unique
