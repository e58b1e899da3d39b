"""Resolves an endpoint's host name and refuses addresses webhooks may not reach.

It is the resolver of the sender's connector: aiohttp connects to exactly the addresses it
returns, so the address checked is the address connected to, and a name that answers a public
address to the check and 127.0.0.1 to the connection (DNS rebinding) gets nowhere. If any
address a name resolves to is refused, the name is refused: a mix of public and private answers
is a trap, not a fallback. IP literals never reach a resolver; the URL rules check them.
"""

from __future__ import annotations

import socket

from aiohttp.abc import AbstractResolver, ResolveResult

from core.webhooks.addresses import parse_ip, refusal


class AddressRefused(OSError):
    """A host name resolved to an address webhooks may not reach."""


class GuardedResolver(AbstractResolver):
    def __init__(self, inner: AbstractResolver, *, allow_private: bool) -> None:
        self._inner = inner
        self._allow_private = allow_private

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        if not found:
            raise OSError(f"{host} has no address")
        for result in found:
            address = parse_ip(result["host"])
            why = ("an address that cannot be read" if address is None
                   else refusal(address, allow_private=self._allow_private))
            if why is not None:
                raise AddressRefused(f"{host.rstrip('.')}: {why}")
        return found

    async def close(self) -> None:
        await self._inner.close()
