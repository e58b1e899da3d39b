"""Linked workspaces: link codes, the links themselves and each person's notify choice."""

from storage.linking.repository import TortoiseLinks

__all__ = ["TortoiseLinks"]
