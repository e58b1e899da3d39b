"""Outgoing webhooks' tables: endpoints, deliveries, the delivery log. Its own tortoise app
(`webhooks`), registered in `storage.config.APPS`."""

from storage.webhooks.deliveries import TortoiseWebhookDeliveries
from storage.webhooks.endpoints import TortoiseWebhookEndpoints

__all__ = ["TortoiseWebhookDeliveries", "TortoiseWebhookEndpoints"]
