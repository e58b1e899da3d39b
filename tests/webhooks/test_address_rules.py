"""Which addresses a webhook may reach: IP classes, IPv6 forms that carry IPv4, URL rules."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InvalidInput
from core.webhooks.addresses import PRIVATE_KINDS, AddressKind, classify, parse_ip, refusal
from core.webhooks.urls import check_url

CASES = [
    ("8.8.8.8", AddressKind.PUBLIC),
    ("2606:4700:4700::1111", AddressKind.PUBLIC),
    ("127.0.0.1", AddressKind.LOOPBACK),
    ("127.255.0.9", AddressKind.LOOPBACK),
    ("::1", AddressKind.LOOPBACK),
    ("10.1.2.3", AddressKind.PRIVATE),
    ("172.16.0.1", AddressKind.PRIVATE),
    ("172.31.255.255", AddressKind.PRIVATE),
    ("192.168.1.1", AddressKind.PRIVATE),
    ("169.254.169.254", AddressKind.LINK_LOCAL),
    ("fe80::1", AddressKind.LINK_LOCAL),
    ("fd12:3456::1", AddressKind.UNIQUE_LOCAL),
    ("fc00::1", AddressKind.UNIQUE_LOCAL),
    ("100.64.0.1", AddressKind.SHARED),
    ("100.127.255.254", AddressKind.SHARED),
    ("224.0.0.1", AddressKind.MULTICAST),
    ("ff02::1", AddressKind.MULTICAST),
    ("0.0.0.0", AddressKind.UNSPECIFIED),
    ("::", AddressKind.UNSPECIFIED),
    ("255.255.255.255", AddressKind.BROADCAST),
    ("192.0.2.10", AddressKind.DOCUMENTATION),
    ("2001:db8::1", AddressKind.DOCUMENTATION),
    ("240.0.0.1", AddressKind.RESERVED),
    ("198.18.0.1", AddressKind.RESERVED),
    # IPv6 forms that lead to an IPv4 address are judged by it.
    ("::ffff:127.0.0.1", AddressKind.LOOPBACK),
    ("::ffff:10.0.0.1", AddressKind.PRIVATE),
    ("::ffff:169.254.169.254", AddressKind.LINK_LOCAL),
    ("::ffff:8.8.8.8", AddressKind.PUBLIC),
    ("64:ff9b::7f00:1", AddressKind.LOOPBACK),
    ("64:ff9b::808:808", AddressKind.PUBLIC),
    ("2002:7f00:1::1", AddressKind.LOOPBACK),  # 6to4 of 127.0.0.1
    ("2002:c0a8:101::1", AddressKind.PRIVATE),  # 6to4 of 192.168.1.1
    ("::127.0.0.1", AddressKind.RESERVED),  # the deprecated IPv4-compatible form
    ("2001:0:4136:e378::1", AddressKind.RESERVED),  # Teredo
    ("64:ff9b:1::1", AddressKind.PRIVATE),
]


@pytest.mark.parametrize(("text", "kind"), CASES)
def test_addresses_are_classified(text: str, kind: AddressKind) -> None:
    address = parse_ip(text)
    assert address is not None
    assert classify(address) is kind


@pytest.mark.parametrize(("text", "kind"), CASES)
def test_only_public_addresses_pass_unless_private_ones_are_allowed(
        text: str, kind: AddressKind) -> None:
    address = parse_ip(text)
    assert address is not None
    assert (refusal(address, allow_private=False) is None) == (kind is AddressKind.PUBLIC)
    allowed = kind is AddressKind.PUBLIC or kind in PRIVATE_KINDS
    assert (refusal(address, allow_private=True) is None) == allowed


def test_refusals_say_what_the_address_is_and_what_would_allow_it() -> None:
    why = refusal(IPv6Address("::ffff:127.0.0.1"), allow_private=False)
    assert why is not None
    assert "127.0.0.1" in why and "loopback" in why and "WEBHOOKS_ALLOW_PRIVATE" in why
    why = refusal(IPv4Address("224.0.0.1"), allow_private=True)
    assert why is not None and "multicast" in why and "never" in why


@given(st.ip_addresses(v=4))
def test_ipv6_forms_of_an_ipv4_address_are_judged_as_that_address(v4: IPv4Address) -> None:
    mapped = IPv6Address(f"::ffff:{v4}")
    nat64 = IPv6Address((0x64FF9B << 96) | int(v4))
    sixtofour = IPv6Address((0x2002 << 112) | (int(v4) << 80) | 1)
    assert classify(mapped) is classify(v4)
    assert classify(nat64) is classify(v4)
    assert classify(sixtofour) is classify(v4)


@pytest.mark.parametrize("url", [
    "https://hooks.example.com/cairn",
    "https://hooks.example.com:8443/cairn?token=abc",
    "https://8.8.8.8/hook",
    "https://[2606:4700:4700::1111]/hook",
    "HTTPS://Hooks.Example.COM/x",
    "https://bücher.example/hook",
])
def test_public_https_addresses_pass(url: str) -> None:
    assert check_url(url, allow_private=False).value == url


@pytest.mark.parametrize(("url", "words"), [
    ("", "Give"),
    ("http://hooks.example.com/x", "https://"),
    ("ftp://hooks.example.com/x", "https://"),
    ("hooks.example.com/x", "https://"),
    ("https://user:pw@hooks.example.com/x", "password"),
    ("https://hooks.example.com/x#frag", "fragment"),
    ("https:///x", "no host"),
    ("https://hooks.example.com:0/x", "Port 0"),
    ("https://hooks.example.com:99999/x", "not a valid address"),
    ("https://hooks.example.com/a b", "spaces"),
    ("https://127.0.0.1/x", "loopback"),
    ("https://[::1]/x", "loopback"),
    ("https://[::ffff:127.0.0.1]/x", "127.0.0.1"),
    ("https://169.254.169.254/latest/meta-data", "link-local"),
    ("https://10.0.0.5/x", "private"),
    ("https://100.64.1.1/x", "carrier-grade"),
    ("https://[fd00::1]/x", "unique-local"),
    ("https://[fe80::1%25eth0]/x", "zone"),
    ("https://2130706433/x", "IPv4"),
    ("https://127.1/x", "IPv4"),
    ("https://0x7f.0.0.1/x", "IPv4"),
    ("https://017700000001/x", "IPv4"),
    ("https://localhost/x", "local network"),
    ("https://api.localhost/x", "local network"),
    ("https://intranet/x", "local network"),
    ("https://printer.local/x", "local network"),
    ("https://db.internal/x", "local network"),
    ("https://-bad-.example.com/x", "host name"),
    ("https://" + "a" * 64 + ".example.com/x", "host name"),
    ("https://hooks.example.com/" + "x" * 2000, "longer"),
])
def test_bad_or_inward_addresses_are_refused_saying_why(url: str, words: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_url(url, allow_private=False)
    assert refused.value.field == "url"
    assert words in refused.value.message, refused.value.message


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/hook",
    "http://localhost:8080/hook",
    "https://10.0.0.5/x",
    "http://receiver:9000/x",
    "https://[fd00::1]/x",
    "http://169.254.10.10/x",
])
def test_webhooks_allow_private_opens_the_local_network_and_http(url: str) -> None:
    assert check_url(url, allow_private=True).value == url


@pytest.mark.parametrize("url", [
    "http://0.0.0.0:8080/x",
    "https://224.0.0.1/x",
    "https://255.255.255.255/x",
    "https://192.0.2.1/x",
    "ftp://127.0.0.1/x",
    "http://u:p@127.0.0.1/x",
])
def test_some_addresses_stay_refused_even_when_private_ones_are_allowed(url: str) -> None:
    with pytest.raises(InvalidInput):
        check_url(url, allow_private=True)
