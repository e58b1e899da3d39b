"""User text made safe for the markdown of Adaptive Cards in Teams.

Teams reads a subset of markdown in `TextBlock.text` and in a fact's title and value: `**bold**`,
`_italic_`, `[links](url)`, `- ` and `1. ` lists; it renders no HTML, but it does read `<at>…</at>`
as a mention and decodes entities. So text a person typed (titles, notes, comments, names) goes
through `escape` once, here and nowhere else:

- `&`, `<` and `>` become entities (first `&`, so nothing is decoded twice): no tag, no mention,
  no quote block can come from user text;
- every character markdown gives a meaning to is backslash-escaped (CommonMark's character
  escapes, which Teams' renderers honour): `\\ * _ [ ] ( ) { } ` ~ |`, and at the start of a
  line `#`, `+`, `-` and a number followed by `.` or `)` (headings and lists).

Cairn's own markup is added around escaped text, never inside it. `code_spans` turns the core's
`backticked` commands (in hints and footers) into bold, since cards have no inline code.
"""

from __future__ import annotations

import re

from core.humanize import ellipsis

_PUNCTUATION = re.compile(r"([\\`*_\[\]{}()~|])")
_LINE_MARK = re.compile(r"(?m)^([ \t]*)([#+-])")
_LINE_NUMBER = re.compile(r"(?m)^([ \t]*\d+)([.)])")


def escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _PUNCTUATION.sub(r"\\\1", text)
    text = _LINE_MARK.sub(r"\1\\\2", text)
    return _LINE_NUMBER.sub(r"\1\\\2", text)


def oneline(text: str, limit: int) -> str:
    """A title or a name on one line, clipped to `limit` characters, escaped."""
    return escape(ellipsis(" ".join(text.split()), limit))


def paragraphs(text: str, limit: int) -> str:
    """Multi-line text (a description, notes), clipped and escaped; a line break in a TextBlock
    needs a blank line, so single breaks are doubled."""
    lines = [line.strip() for line in ellipsis(text.strip(), limit).splitlines()]
    return "\n\n".join(escape(line) for line in lines if line)


def code_spans(text: str) -> str:
    """Escapes text in which `backticked` spans name commands: those become bold."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: nothing is a command
        return escape(text)
    return "".join(f"**{escape(part)}**" if n % 2 and part else escape(part)
                   for n, part in enumerate(parts))
