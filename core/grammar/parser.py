"""The text grammar shared by every front end: a line of text -> a AnyCommand.

`/cairn <verb> ...` in Slack, `@Cairn <verb> ...` in Teams and `<verb> ...` in the shell all come
through `parse`. Bad input raises InvalidInput with what was wrong and an example that works; the
parser has no side effects, so a bad line can never change anything.
"""

from __future__ import annotations

import difflib
from datetime import date

from core import text as lex
from core.commands import Actor, AnyCommand, ShowHelp, ShowMilestone
from core.errors import InvalidInput
from core.grammar.verb import Context
from core.grammar.verbs import VERBS_BY_NAME

MAX_TEXT = 12_000


def parse(text: str, *, actor: Actor, today: date, identity_prefix: str = "") -> AnyCommand:
    """Parses one line. `identity_prefix` qualifies platform mentions (`<@U9>`)."""
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            "text", f"that message is {len(text):,} characters long; I read up to {MAX_TEXT:,}",
            hint="put long details in a comment or a linked document",
        )
    ctx = Context(actor=actor, today=today, identity_prefix=identity_prefix)
    if not text:
        return ShowHelp(actor=actor)
    word, rest = lex.split_word(text)
    if (ref := lex.milestone_ref(word)) is not None and not rest:
        return ShowMilestone(actor=actor, milestone=ref)
    verb = VERBS_BY_NAME.get(word.lower().lstrip("/"))
    if verb is None:
        raise InvalidInput("verb", f"I don't know “{word[:40]}”", hint=_suggestion(word))
    return verb.parse(rest, ctx)


def _suggestion(word: str) -> str:
    close = difflib.get_close_matches(word.lower(), VERBS_BY_NAME, n=1, cutoff=0.6)
    if close:
        return f"did you mean `{close[0]}`? `help` lists everything"
    return "`help` lists everything I understand"
