"""Adaptive Card parts for API tokens (registered on `render._parts`)."""

from __future__ import annotations

from bots.teams.cards import Element, text
from bots.teams.markdown import escape, oneline
from bots.teams.render import Parts, _parts, rows
from core.access.views import TokenCreatedView, TokenLine, TokenListView

SHOWN = 40


@_parts.register
def _token_created(view: TokenCreatedView, stamp: str) -> Parts:
    kind = "app token" if view.app else "token"
    body: list[Element] = [
        text(f"🔑 **New {kind} “{oneline(view.name, 60)}”**"),
        text(f"`{view.secret}`"),
        text("Shown this once: copy it now. Cairn keeps only its hash."),
        text(f"Scopes: {escape(', '.join(view.scopes))}"),
        text(f"API: {oneline(view.api_url, 500)}", subtle=True),
        text(f"Stop it: **{escape(view.revoke)}**", subtle=True),
    ]
    return body, []


@_parts.register
def _token_list(view: TokenListView, stamp: str) -> Parts:
    if not view.tokens and not view.app_tokens:
        return [text(f"🔑 You have no API tokens. Make one: **{escape(view.how)}**")], []
    body: list[Element] = []
    for title, tokens in (("Your API tokens", view.tokens), ("App tokens", view.app_tokens)):
        if tokens:
            body.append(text(f"🔑 **{title}**"))
            body += rows([_line(t) for t in tokens], limit=SHOWN)
    return body, []


def _line(token: TokenLine) -> str:
    return (f"**{oneline(token.name, 60)}** {escape(token.hint)} {escape(token.scopes)} · "
            f"made {escape(token.created)} · {escape(token.used)}")
