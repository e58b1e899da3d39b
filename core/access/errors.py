"""How a request to the API is refused before any command runs."""

from __future__ import annotations

from core.errors import DomainError


class Unauthenticated(DomainError):
    """No token, or one that is unknown or revoked."""


class RateLimited(DomainError):
    def __init__(self, message: str, *, retry_after: int, limit: int) -> None:
        super().__init__(message, hint=f"wait {retry_after} s")
        self.retry_after = retry_after
        self.limit = limit
