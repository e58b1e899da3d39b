"""The process's Prometheus metrics, made once by the composition root and passed to whoever
counts something (the HTTP middleware, the nudge engine); nobody reaches for them globally."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram


class Metrics:
    """Per-app registry, so several apps in one process (tests) never collide."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("cairn_http_requests", "HTTP requests handled",
                                ["route", "status"], registry=self.registry)
        self.latency = Histogram("cairn_http_request_seconds", "HTTP request latency",
                                 ["route"], registry=self.registry,
                                 buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3))
