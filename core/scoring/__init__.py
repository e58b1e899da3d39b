"""Challenges, teams, fair scoring, leaderboards, achievements and forecasts.

Pure domain, standard library only (plus the shared kernel: model, errors, views, humanize).
The map, one concept per module:

- `challenge`, `team`, `rules`: what a challenge is, who plays, which numbers it scores with.
- `workdays`, `points`: owners' working calendars and deadlines; exact decimal points.
- `events`, `item`, `judge`, `verdict`, `explain`: what happens to an item, what it earns rule
  by rule, and each rule in words.
- `streaks`, `daily_cap`, `ledger`, `recompute`: the running score, one event at a time, and the
  same score rebuilt from the whole history.
- `standings`, `confidence`, `achievements`: ranks, on-time rates, badges.
- `trend`, `throughput`, `forecast`: when a milestone will be done.
- `views`, `present_scores`, `present_plans`: what front ends show, built from the domain.
- `ports`, `recording`: what storage implements, and the steps a use case takes through it.
"""
