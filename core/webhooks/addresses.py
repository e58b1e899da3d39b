"""Which IP addresses a webhook may reach.

A webhook sends a request, on a tenant's say-so, from inside the operator's network: without
these rules an endpoint could point at the database, the cloud metadata service or an admin
page on localhost (server-side request forgery). Only public unicast addresses are allowed;
`WEBHOOKS_ALLOW_PRIVATE` also allows the ones an on-premise setup or a test really uses
(loopback, private, link-local, unique-local, shared CGNAT). Addresses that are never a host
(multicast, unspecified, broadcast, documentation, reserved) are refused either way.

IPv6 forms that carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`,
6to4 `2002::/16`) are judged by the IPv4 address they lead to.
"""

from __future__ import annotations

from enum import StrEnum
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

IPAddress = IPv4Address | IPv6Address


class AddressKind(StrEnum):
    PUBLIC = "a public address"
    LOOPBACK = "a loopback address"
    PRIVATE = "a private address"
    LINK_LOCAL = "a link-local address"
    UNIQUE_LOCAL = "a unique-local address"
    SHARED = "a shared (carrier-grade NAT) address"
    MULTICAST = "a multicast address"
    UNSPECIFIED = "an unspecified address"
    BROADCAST = "the broadcast address"
    DOCUMENTATION = "a documentation address"
    RESERVED = "a reserved address"


#: The kinds `WEBHOOKS_ALLOW_PRIVATE` lets through.
PRIVATE_KINDS = frozenset({AddressKind.LOOPBACK, AddressKind.PRIVATE, AddressKind.LINK_LOCAL,
                           AddressKind.UNIQUE_LOCAL, AddressKind.SHARED})

# Most specific first: the first network that holds the address decides.
_V4: tuple[tuple[IPv4Network, AddressKind], ...] = tuple(
    (IPv4Network(net), kind) for net, kind in (
        ("255.255.255.255/32", AddressKind.BROADCAST),
        ("0.0.0.0/8", AddressKind.UNSPECIFIED),  # "this network": 0.0.0.0 reaches localhost
        ("127.0.0.0/8", AddressKind.LOOPBACK),
        ("10.0.0.0/8", AddressKind.PRIVATE),
        ("172.16.0.0/12", AddressKind.PRIVATE),
        ("192.168.0.0/16", AddressKind.PRIVATE),
        ("100.64.0.0/10", AddressKind.SHARED),
        ("169.254.0.0/16", AddressKind.LINK_LOCAL),  # the cloud metadata service lives here
        ("192.0.0.0/24", AddressKind.RESERVED),  # IETF protocol assignments
        ("192.0.2.0/24", AddressKind.DOCUMENTATION),
        ("198.51.100.0/24", AddressKind.DOCUMENTATION),
        ("203.0.113.0/24", AddressKind.DOCUMENTATION),
        ("198.18.0.0/15", AddressKind.RESERVED),  # benchmarking
        ("192.88.99.0/24", AddressKind.RESERVED),  # the retired 6to4 relay anycast
        ("224.0.0.0/4", AddressKind.MULTICAST),
        ("240.0.0.0/4", AddressKind.RESERVED),
    ))

_V6: tuple[tuple[IPv6Network, AddressKind], ...] = tuple(
    (IPv6Network(net), kind) for net, kind in (
        ("::/128", AddressKind.UNSPECIFIED),
        ("::1/128", AddressKind.LOOPBACK),
        ("::/96", AddressKind.RESERVED),  # the deprecated IPv4-compatible form
        ("64:ff9b:1::/48", AddressKind.PRIVATE),  # local-use NAT64
        ("100::/64", AddressKind.RESERVED),  # discard-only
        ("2001::/32", AddressKind.RESERVED),  # Teredo: the IPv4 inside is obfuscated
        ("2001:db8::/32", AddressKind.DOCUMENTATION),
        ("3fff::/20", AddressKind.DOCUMENTATION),
        ("fc00::/7", AddressKind.UNIQUE_LOCAL),
        ("fe80::/10", AddressKind.LINK_LOCAL),
        ("fec0::/10", AddressKind.PRIVATE),  # the deprecated site-local range
        ("ff00::/8", AddressKind.MULTICAST),
    ))
_NAT64 = IPv6Network("64:ff9b::/96")


def parse_ip(text: str) -> IPAddress | None:
    """An IP address in its canonical text form (no `127.1`, no leading zeros, no zone)."""
    try:
        return ip_address(text)
    except ValueError:
        return None


def embedded_ipv4(address: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 one leads to, for the forms that carry one."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def classify(address: IPAddress) -> AddressKind:
    if isinstance(address, IPv6Address):
        inner = embedded_ipv4(address)
        if inner is not None:
            return classify(inner)
        table: tuple[tuple[IPv4Network | IPv6Network, AddressKind], ...] = _V6
    else:
        table = _V4
    for network, kind in table:
        if address in network:
            return kind
    # Whatever IANA keeps for special purposes and the tables above do not name.
    return AddressKind.PUBLIC if address.is_global else AddressKind.RESERVED


def refusal(address: IPAddress, *, allow_private: bool) -> str | None:
    """Why a webhook may not reach this address, or None when it may."""
    kind = classify(address)
    if kind is AddressKind.PUBLIC or (allow_private and kind in PRIVATE_KINDS):
        return None
    what = f"{address} is {kind.value}"
    if isinstance(address, IPv6Address) and (inner := embedded_ipv4(address)) is not None:
        shown = f"::ffff:{inner}" if address.ipv4_mapped is not None else str(address)
        what = f"{shown} leads to {inner}, {kind.value}"
    if kind in PRIVATE_KINDS:
        return f"{what}; webhooks reach only public addresses unless the operator sets " \
               "WEBHOOKS_ALLOW_PRIVATE=1"
    return f"{what}, which webhooks never reach"
