"""Adaptive Card parts for API tokens and webhooks (registered on `render._parts`)."""

from __future__ import annotations

from bots.teams.cards import Element, text
from bots.teams.markdown import escape, oneline
from bots.teams.render import Parts, _parts, rows
from core.access.views import TokenCreatedView, TokenLine, TokenListView
from core.webhooks.views import WebhookCreatedView, WebhookListView, WebhookLogView

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


@_parts.register
def _webhook_created(view: WebhookCreatedView, stamp: str) -> Parts:
    return [
        text(f"🪝 **{escape(view.headline)}**: {oneline(view.line.url, 500)}"),
        text(f"Events: {escape(view.line.events)}"),
        text(f"Signing secret: `{view.secret}`"),
        text("Verify each delivery with it (Standard Webhooks); shown this once. "
             f"Attempts: **webhook log {view.line.id}**", subtle=True),
    ], []


@_parts.register
def _webhook_list(view: WebhookListView, stamp: str) -> Parts:
    if not view.endpoints:
        return [text(f"🪝 No webhooks yet. Add one: **{escape(view.how)}**")], []
    return [text("🪝 **Webhooks**"), *rows(
        [f"**{e.id}** {oneline(e.url, 200)} · {escape(e.events)} · {oneline(e.state, 200)}"
         for e in view.endpoints], limit=SHOWN)], []


@_parts.register
def _webhook_log(view: WebhookLogView, stamp: str) -> Parts:
    body = [text(f"🪝 **Webhook {view.line.id}** {oneline(view.line.url, 300)} · "
                 f"{oneline(view.line.state, 300)}")]
    lines = [f"{escape(a.at)} {escape(a.event)} #{a.attempt} {escape(a.outcome)} · "
             f"{escape(a.verdict)}" for a in view.attempts]
    return body + (rows(lines, limit=SHOWN) if lines else [text("No attempts yet.")]), []
