"""The shell's text for API tokens."""

from __future__ import annotations

from bots.shell.render import INDENT, Style, _render
from core.access.views import TokenCreatedView, TokenLine, TokenListView


@_render.register
def _token_created(view: TokenCreatedView, style: Style) -> str:
    kind = "app token" if view.app else "token"
    return "\n".join([
        f"🔑 New {kind} “{view.name}”: `{view.secret}`",
        INDENT + style.dim("Shown this once: copy it now. Cairn keeps only its hash."),
        f"{INDENT}Scopes: {', '.join(view.scopes)}",
        f"{INDENT}curl -H 'Authorization: Bearer {view.secret}' {view.api_url}/milestones",
        INDENT + style.dim(f"Stop it: {view.revoke}"),
    ])


@_render.register
def _token_list(view: TokenListView, style: Style) -> str:
    if not view.tokens and not view.app_tokens:
        return f"🔑 You have no API tokens. Make one: {view.how}"
    out = []
    if view.tokens:
        out += ["🔑 Your API tokens", *(_line(t, style) for t in view.tokens)]
    if view.app_tokens:
        out += ["🔑 App tokens", *(_line(t, style) for t in view.app_tokens)]
    return "\n".join(out)


def _line(token: TokenLine, style: Style) -> str:
    return (f"{INDENT}{token.name}  {token.hint}  {token.scopes}  "
            + style.dim(f"made {token.created} · {token.used}"))
