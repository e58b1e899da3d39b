"""Block Kit for API tokens (registered on `render._blocks`)."""

from __future__ import annotations

from bots.slack.blocks import Block, context, section
from bots.slack.mrkdwn import escape
from bots.slack.render import COMMAND, _blocks
from core.access.views import TokenCreatedView, TokenLine, TokenListView
from core.humanize import ellipsis

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
