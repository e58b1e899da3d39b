"""Cairn in Microsoft Teams (the Microsoft 365 Agents SDK on Cairn's aiohttp server).

`app` mounts `POST /api/messages`: `auth` validates the Bot Framework token and gets the bot's
own, `activity` checks the body, `turns` is the agent (messages, clicks in `clicks`, invokes,
installation), `people` maps Teams tenants and users to Cairn's. One Adaptive Card renderer
(`render`, `render_nudges`, built from `cards` and `markdown`); proactive messages through
`proactive`, nudges through `notifier`; the app package (`package`, `icons`); the storage ports
Teams needs (`ports`, implemented in `storage.teams`). Forms (task modules) come with the core's
interaction layer: `turns.CairnAgent._invoke` is where `task/fetch` and `task/submit` go.
"""
