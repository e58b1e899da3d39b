"""The shell's text for API tokens and webhooks."""

from __future__ import annotations

from bots.shell.render import INDENT, Style, _render
from core.access.views import TokenCreatedView, TokenLine, TokenListView
from core.webhooks.views import WebhookCreatedView, WebhookListView, WebhookLogView


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


@_render.register
def _webhook_created(view: WebhookCreatedView, style: Style) -> str:
    return "\n".join([
        f"🪝 {view.headline}: {view.line.url}",
        f"{INDENT}Events: {view.line.events}",
        f"{INDENT}Signing secret: `{view.secret}`",
        INDENT + style.dim("Verify each delivery with it (Standard Webhooks); shown this once."),
        INDENT + style.dim(f"Attempts: webhook log {view.line.id}"),
    ])


@_render.register
def _webhook_list(view: WebhookListView, style: Style) -> str:
    if not view.endpoints:
        return f"🪝 No webhooks yet. Add one: {view.how}"
    return "\n".join(["🪝 Webhooks", *(
        f"{INDENT}{e.id}  {e.url}  {e.events}  " + style.dim(f"{e.state} · added {e.created}")
        for e in view.endpoints)])


@_render.register
def _webhook_log(view: WebhookLogView, style: Style) -> str:
    head = f"🪝 Webhook {view.line.id} ({view.line.url}), {view.line.state}"
    if not view.attempts:
        return head + f"\n{INDENT}No attempts yet."
    return "\n".join([head, *(
        f"{INDENT}{a.at}  {a.event}  #{a.attempt}  {a.outcome}  " + style.dim(a.verdict)
        for a in view.attempts)])
