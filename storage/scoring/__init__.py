"""Scoring's tables and repositories: teams, challenges, the scoring event log, each challenge's
ledger and badges. Its own tortoise app (`scoring`), registered in `storage.config.APPS`."""
