"""API access: personal and app tokens (shown once, kept hashed), their scopes, the check a
request passes (token, scope, rate limit), and the replay of idempotent requests.

Pure and standard library only; storage implements `ports.AccessRepository` and the API layer
calls `use_cases` through the composition root.
"""
