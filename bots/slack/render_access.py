"""Block Kit for API tokens and webhooks (registered on `render._blocks`)."""

from __future__ import annotations

from bots.slack.blocks import Block, context, section
from bots.slack.mrkdwn import escape
from bots.slack.render import COMMAND, _blocks
from core.access.views import TokenCreatedView, TokenLine, TokenListView
from core.humanize import ellipsis
from core.webhooks.views import WebhookCreatedView, WebhookListView, WebhookLogView

SHOWN = 40


@_blocks.register
def _token_created(view: TokenCreatedView, stamp: str) -> list[Block]:
    kind = "app token" if view.app else "token"
    return [
        section(f"🔑 *New {kind} “{escape(ellipsis(view.name, 60))}”*\n`{view.secret}`"),
        section("Shown this once: copy it now. Cairn keeps only its hash.\n"
                f"Scopes: {escape(', '.join(view.scopes))}\nAPI: <{escape(view.api_url)}>"),
        context(f"Stop it: `{escape(COMMAND + ' ' + view.revoke)}`"),
    ]


@_blocks.register
def _token_list(view: TokenListView, stamp: str) -> list[Block]:
    if not view.tokens and not view.app_tokens:
        return [section(f"🔑 You have no API tokens. Make one: "
                        f"`{escape(COMMAND + ' ' + view.how)}`")]
    blocks: list[Block] = []
    for title, tokens in (("Your API tokens", view.tokens), ("App tokens", view.app_tokens)):
        if tokens:
            rows = [_line(t) for t in tokens[:SHOWN]]
            blocks.append(section(ellipsis(f"🔑 *{title}*\n" + "\n".join(rows), 3000)))
    return blocks


def _line(token: TokenLine) -> str:
    return (f"• *{escape(ellipsis(token.name, 60))}* `{escape(token.hint)}` "
            f"{escape(token.scopes)} · made {escape(token.created)} · {escape(token.used)}")


@_blocks.register
def _webhook_created(view: WebhookCreatedView, stamp: str) -> list[Block]:
    return [
        section(f"🪝 *{escape(view.headline)}*: {escape(ellipsis(view.line.url, 500))}\n"
                f"Events: {escape(view.line.events)}\nSigning secret: `{view.secret}`"),
        context("Verify each delivery with it (Standard Webhooks); shown this once. "
                f"Attempts: `{COMMAND} webhook log {view.line.id}`"),
    ]


@_blocks.register
def _webhook_list(view: WebhookListView, stamp: str) -> list[Block]:
    if not view.endpoints:
        return [section(f"🪝 No webhooks yet. Add one: `{escape(COMMAND + ' ' + view.how)}`")]
    rows = [f"• *{e.id}* {escape(ellipsis(e.url, 200))} · {escape(e.events)} · "
            f"{escape(ellipsis(e.state, 200))}" for e in view.endpoints[:SHOWN]]
    return [section(ellipsis("🪝 *Webhooks*\n" + "\n".join(rows), 3000))]


@_blocks.register
def _webhook_log(view: WebhookLogView, stamp: str) -> list[Block]:
    head = (f"🪝 *Webhook {view.line.id}* {escape(ellipsis(view.line.url, 300))} · "
            f"{escape(ellipsis(view.line.state, 300))}")
    rows = [f"• {escape(a.at)} `{escape(a.event)}` #{a.attempt} {escape(a.outcome)} · "
            f"{escape(a.verdict)}" for a in view.attempts[:SHOWN]] or ["No attempts yet."]
    return [section(ellipsis(head + "\n" + "\n".join(rows), 3000))]
