"""Cairn in Microsoft Teams (the Microsoft 365 Agents SDK on Cairn's aiohttp server).

So far: one Adaptive Card renderer (`render`, `render_nudges`, built from `cards` and
`markdown`), the app package (`package`, `icons`), and the storage ports Teams needs
(`ports`, implemented in `storage.teams`). Activity handlers, forms and wiring come next.
"""
