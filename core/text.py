"""Small lexical helpers of the grammar: tokens with quotes, numbers, mentions, statuses."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from core.commands import MilestoneRef, UserRef
from core.errors import InvalidInput
from core.model import Status

OPEN_QUOTES = {'"': '"', "“": "”", "„": "“", "«": "»"}
CLOSE_QUOTES = {'"', "”", "“", "»"}

REF = re.compile(r"^#(\d{1,9})$")
#: Several numbers at the start of a line: `#2 #3`, `#2,#3`, `#2, #3 and #4`.
REFS = re.compile(r"^#\d{1,9}(?:(?:\s*,\s*|\s+(?:and\s+|&\s+)?)#\d{1,9})*(?=\s|$)",
                  re.IGNORECASE)
#: The most milestones one command changes at once (a page of a list).
MAX_SEVERAL = 20
HANDLE = re.compile(r"^@([a-z0-9][a-z0-9._-]{0,62})$", re.IGNORECASE)
PLATFORM_MENTION = re.compile(r"^<@([A-Za-z0-9:_-]{1,100})(?:\|([^>]{0,100}))?>$")
MENTION_IN_TEXT = re.compile(
    r"<@([A-Za-z0-9:_-]{1,100})(?:\|([^>]{0,100}))?>|(?<![\w.@])@([a-z0-9][a-z0-9._-]{0,62})",
    re.IGNORECASE,
)
NUMBER = re.compile(r"^([-+]?)(\d[\d,]*(?:\.\d+)?|\.\d+)([kmb]?)$", re.IGNORECASE)
STATUS_WORDS = re.compile(
    r"^(not[\s_-]*started|on[\s_-]*track|at[\s_-]*risk|off[\s_-]*track|blocked)\b\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    quoted: bool = False  # the token started with a quote: a literal string, never an option

    @property
    def key_value(self) -> tuple[str, str] | None:
        if self.quoted:
            return None
        key, sep, value = self.text.partition(":")
        if not sep or not key.isalpha():
            return None
        return key.lower(), value


def tokenize(text: str) -> list[Token]:
    """Splits on whitespace, keeping "quoted parts" (straight or typographic) together."""
    tokens: list[Token] = []
    current: list[str] = []
    quoted = False
    closing: str | None = None
    started = False
    for char in text:
        if closing is not None:
            if char == closing or (char in CLOSE_QUOTES and closing in CLOSE_QUOTES):
                closing = None
            else:
                current.append(char)
            continue
        if char in OPEN_QUOTES:
            # Only a token that starts with a quote is a quoted string; `due:"next friday"`
            # stays an option whose value happens to be quoted.
            quoted = quoted or not started
            closing, started = OPEN_QUOTES[char], True
        elif char.isspace():
            if started:
                tokens.append(Token("".join(current), quoted))
            current, quoted, started = [], False, False
        else:
            current.append(char)
            started = True
    if closing is not None:
        raise InvalidInput(
            "text", "a quote is not closed", hint='put the title in quotes: goal "Grow revenue"'
        )
    if started:
        tokens.append(Token("".join(current), quoted))
    return tokens


def split_word(text: str) -> tuple[str, str]:
    text = text.strip()
    word, _, rest = text.partition(" ")
    return word, rest.strip()


def milestone_ref(token: str) -> MilestoneRef | None:
    match = REF.match(token.strip())
    return MilestoneRef(number=int(match.group(1))) if match else None


def take_ref(text: str, verb: str) -> tuple[MilestoneRef, str]:
    word, rest = split_word(text)
    ref = milestone_ref(word)
    if ref is None:
        raise _needs_ref(verb, word)
    return ref, rest


def take_refs(text: str, verb: str) -> tuple[tuple[MilestoneRef, ...], str]:
    """The numbers at the start of `text` (`#2 #3`, `#2,#3`, `#2 and #3`) and what follows."""
    text = text.strip()
    match = REFS.match(text)
    if match is None:
        raise _needs_ref(verb, split_word(text)[0])
    refs = tuple(dict.fromkeys(
        MilestoneRef(number=int(n)) for n in re.findall(r"#(\d+)", match.group(0))))
    if len(refs) > MAX_SEVERAL:
        raise InvalidInput("milestone", f"that is {len(refs)} milestones; I change up to "
                           f"{MAX_SEVERAL} at once", hint=f"{verb} {refs_text(refs[:3])} …")
    return refs, text[match.end():].strip()


def take_one_ref(text: str, verb: str, more: str = " …") -> tuple[MilestoneRef, str]:
    """One number, refusing a second one rather than reading it as something else; `more`
    ends the example of the refusal (`show #2` needs nothing after the number)."""
    refs, rest = take_refs(text, verb)
    if len(refs) > 1:
        raise InvalidInput("milestone", f"`{verb}` takes one milestone at a time",
                           hint=f"{verb} {refs[0]}{more}")
    return refs[0], rest


def refs_text(refs: tuple[MilestoneRef, ...]) -> str:
    return " ".join(str(ref) for ref in refs)


def _needs_ref(verb: str, word: str) -> InvalidInput:
    shown = f" (got “{word[:30]}”)" if word else ""
    return InvalidInput(
        "milestone",
        f"`{verb}` needs a milestone number like #12{shown}",
        hint=f"{verb} #12 …  (`list` shows the numbers)",
    )


def user_ref(token: str, identity_prefix: str = "") -> UserRef | None:
    token = token.strip()
    if match := HANDLE.match(token):
        return UserRef(handle=match.group(1).lower())
    if match := PLATFORM_MENTION.match(token):
        return UserRef(identity=identity_prefix + match.group(1), label=match.group(2) or "")
    return None


def mentions_in(text: str, identity_prefix: str = "") -> tuple[UserRef, ...]:
    found: list[UserRef] = []
    for match in MENTION_IN_TEXT.finditer(text):
        if match.group(1):
            ref = UserRef(identity=identity_prefix + match.group(1), label=match.group(2) or "")
        else:
            ref = UserRef(handle=match.group(3).lower().rstrip("."))
        if ref not in found:
            found.append(ref)
    return tuple(found)


def number(text: str) -> float | None:
    match = NUMBER.match(text.strip())
    if match is None:
        return None
    sign, digits, suffix = match.groups()
    value = float(digits.replace(",", ""))
    value *= {"": 1, "k": 1e3, "m": 1e6, "b": 1e9}[suffix.lower()]
    if not math.isfinite(value):  # 400 digits are "inf" to a float: not a number anyone means
        return None
    return -value if sign == "-" else value


def status_prefix(text: str) -> tuple[Status | None, str]:
    match = STATUS_WORDS.match(text)
    if match is None:
        return None, text
    words = re.sub(r"[\s_-]+", "_", match.group(1).lower())
    return Status(words), text[match.end():]


def unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] in OPEN_QUOTES and text[-1] in CLOSE_QUOTES:
        inner = text[1:-1]
        if not any(q in inner for q in CLOSE_QUOTES):
            return inner.strip()
    return text


def format_number(value: float) -> str:
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            scaled = value / limit
            return f"{scaled:.2f}".rstrip("0").rstrip(".") + suffix
    return f"{value:.2f}".rstrip("0").rstrip(".")
