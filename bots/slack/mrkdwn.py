"""Slack's text conventions: what arrives escaped, what must leave escaped.

Slack sends slash command and message text with `&`, `<` and `>` escaped, and with its own markup
in angle brackets: `<@U123|bob>`, `<#C123|launch>`, `<https://x.y|label>`, `<!here>`. Because a
literal `<` typed by a person always arrives as `&lt;`, every `<...>` in incoming text is Slack's
markup, never the person's: that is what makes unescaping safe to do exactly once.
"""

from __future__ import annotations

import re

_MARKUP = re.compile(r"<([^<>]*)>")
# Mentions and channels Slack produced: kept as tokens, so the grammar resolves them to people.
_KEPT = re.compile(r"^[@#][A-Z0-9]{1,40}(?:\|[^<>]{0,200})?$")
# Tokens that may stay live in text we send: mentions of users and links to channels.
_SAFE_OUT = re.compile(r"<(?:@[UW][A-Z0-9]{1,40}|#[CG][A-Z0-9]{1,40})(?:\|[^<>|]{0,80})?>")
# The same tokens, read back as plain words.
_TOKEN = re.compile(r"<([@#])([A-Z0-9]{1,40})(?:\|([^<>|]{0,80}))?>")


def _unescape_entities(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def unescape_incoming(text: str) -> str:
    """Text from Slack as the person typed it: entities decoded once, links and special
    mentions turned back into plain text, user and channel tokens left for the grammar."""
    if "&" not in text and "<" not in text:
        return text  # the usual `/cairn list mine`: nothing to decode
    out: list[str] = []
    last = 0
    for match in _MARKUP.finditer(text):
        out.append(_unescape_entities(text[last:match.start()]))
        inner = match.group(1)
        if _KEPT.match(inner):
            out.append(match.group(0))
        elif inner.startswith("!"):
            # <!here>, <!subteam^S123|@team>: keep the label people saw.
            label = inner.partition("|")[2] or inner[1:].split("^")[0]
            out.append(label if label.startswith("@") else "@" + label)
        else:
            # A link: <https://x.y> or <https://x.y|label> or <mailto:a@b|a@b>
            url, _, label = inner.partition("|")
            out.append(_unescape_entities(url if url.startswith(("http", "mailto")) else label))
        last = match.end()
    out.append(_unescape_entities(text[last:]))
    return "".join(out)


def escape(text: str) -> str:
    """User text made safe for mrkdwn: `&` first, then `<` and `>`."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_readable(text: str) -> str:
    """Like `escape`, for sentences Cairn composes around titles and excerpts (the inbox, a
    thread's account of a change): Slack's user and channel tokens are written as plain
    `@name` and `#name` first, so nothing in them pings or links, whatever a title holds."""
    return escape(_TOKEN.sub(lambda m: m.group(1) + (m.group(3) or m.group(2)), text))


def escape_keeping_mentions(text: str) -> str:
    """Like `escape`, but user mentions and channel links that came from Slack stay live, so a
    comment that mentions <@U123> still reads as a mention."""
    out: list[str] = []
    last = 0
    for match in _SAFE_OUT.finditer(text):
        out.append(escape(text[last:match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)
