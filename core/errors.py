"""Expected failures. Each one becomes a short answer on every surface, never a stack trace."""

from __future__ import annotations


class DomainError(Exception):
    """A failure the person can do something about; `hint` shows an example that works."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class NotFound(DomainError):
    pass


class InvalidInput(DomainError):
    """Bad input; `field` names the form field or grammar part that was wrong."""

    def __init__(self, field: str, message: str, *, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.field = field


class Forbidden(DomainError):
    pass


class LimitReached(DomainError):
    pass


class Conflict(DomainError):
    """The change clashes with the current state (a cycle, a closed milestone, a duplicate)."""
