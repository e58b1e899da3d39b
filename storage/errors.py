"""Failures of the storage layer that callers are expected to show or act on."""

from __future__ import annotations


class StorageError(Exception):
    """The database cannot be used: unreachable, misconfigured, or a migration failed.

    The message is written for an operator and never carries a password or a driver traceback;
    the original exception stays available as `__cause__` for the logs.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TenantRequired(RuntimeError):
    """A tenant-scoped repository was used by a unit of work opened without a tenant."""

    def __init__(self) -> None:
        super().__init__("this unit of work has no tenant")


class NotInTenant(LookupError):
    """A write named a row this unit of work's tenant cannot see; nothing was changed."""

    def __init__(self, what: str, key: object, tenant_id: int | None) -> None:
        scope = f"tenant {tenant_id}" if tenant_id is not None else "no tenant"
        super().__init__(f"{what} {key} is not visible to this unit of work ({scope})")
