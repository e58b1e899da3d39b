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


class UnknownReference(NotFound):
    """Something the input names (a parent, an owner, a person mentioned) is not here.

    Unlike the milestone a command addresses, this is a mistake in the input: `field` names the
    part of it that holds the reference, and `value` the reference as given. Chat words it as
    any NotFound; the REST API answers 422 with the field, not 404."""

    def __init__(self, field: str, message: str, *, value: str = "", hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.field = field
        self.value = value


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


class StorageUnavailable(DomainError):
    """The database could not be used: unreachable, a connection lost, a lock not granted.

    Storage raises it in place of the driver's error, so every front end answers it plainly.
    `retry` is True only when running the command again at once is both safe and worth it: the
    unit of work that failed committed nothing and its connection died in use, so a fresh one
    may well work. `maybe_saved` says the connection died during COMMIT and whether it committed
    could not be found out.
    """

    UNREACHABLE = "Cairn cannot reach its database right now, so nothing was saved"
    BUSY = "Cairn's database is busy with another program right now; nothing was saved"
    MAYBE_SAVED = ("Cairn lost its database connection while saving, so it cannot tell whether "
                   "this was saved")

    def __init__(self, message: str = UNREACHABLE, *, retry: bool = False,
                 maybe_saved: bool = False) -> None:
        hint = ("look before you try again" if maybe_saved else "try again in a moment")
        super().__init__(message, hint=hint)
        self.retry = retry and not maybe_saved
        self.maybe_saved = maybe_saved
