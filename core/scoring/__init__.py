"""Challenges, teams, fair scoring, leaderboards, achievements and forecasts.

Pure domain, standard library only. The map, one concept per module:

- `challenge`, `team`, `rules`: what a challenge is, who plays, which numbers it scores with.
- `events`, `item`, `judge`, `explain`: what happens to an item and what it earns, rule by rule.
- `streaks`, `daily_cap`, `ledger`, `recompute`: the running score, one event at a time, and the
  same score rebuilt from the whole history.
- `standings`, `confidence`, `achievements`: ranks, on-time rates, badges.
- `trend`, `throughput`, `forecast`: when a milestone will be done.
- `views`, `presenters`, `ports`, `recording`: what front ends show, what storage implements,
  and the steps a use case takes through the ports.
"""
