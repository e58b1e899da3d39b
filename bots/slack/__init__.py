"""Cairn in Slack: a slack-bolt AsyncApp on Cairn's aiohttp server (`POST /slack/events`).

Listeners translate Slack payloads into the core's commands, the core answers with neutral views,
and `render` turns every view into Block Kit. Storage is reached only through the ports declared
in `ports`; `wiring.slack` plugs the implementations in.
"""
