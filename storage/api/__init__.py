"""The API's own tables: tokens (hashed), per-minute request counts, idempotent replies. Its own
tortoise app (`api`), registered in `storage.config.APPS`."""

from storage.api.repository import TortoiseAccess

__all__ = ["TortoiseAccess"]
