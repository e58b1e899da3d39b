"""The rules a webhook endpoint's address must pass: when it is registered, and again before
every delivery (the operator may have changed `WEBHOOKS_ALLOW_PRIVATE` since).

What is checked here is what the address says: https (http only with the private exception),
no credentials, a real host name or a public IP literal. What a host *name* resolves to is
checked by the sender at the moment it connects, against `core.webhooks.addresses`.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

from core.errors import InvalidInput
from core.webhooks.addresses import AddressKind, parse_ip, refusal

URL_MAX = 2000
_HINT = "webhook add https://example.com/hooks/cairn"
_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
_NUMBER = re.compile(r"^(?:[0-9]+|0x[0-9a-f]*)$")
#: Names that only ever mean a machine of the local network (RFC 6761, 6762, 8375).
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa", ".lan")


@dataclass(frozen=True, slots=True)
class WebhookUrl:
    """An address that passed the rules; `host` is lower case, without brackets."""

    value: str
    scheme: str
    host: str
    port: int


def _refuse(message: str) -> InvalidInput:
    return InvalidInput("url", message, hint=_HINT)


def check_url(url: str, *, allow_private: bool) -> WebhookUrl:
    """The address, if a webhook may be sent to it; `InvalidInput` saying why not otherwise."""
    value = url.strip()
    if not value:
        raise _refuse("Give the endpoint's address.")
    if len(value) > URL_MAX:
        raise _refuse(f"That address is longer than {URL_MAX} characters.")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value):
        raise _refuse("An address has no spaces or control characters.")
    try:
        parts = urllib.parse.urlsplit(value)
        port = parts.port
    except ValueError as error:
        raise _refuse(f"That is not a valid address ({error}).") from None
    scheme = parts.scheme.lower()
    if scheme != "https" and not (allow_private and scheme == "http"):
        raise _refuse("A webhook address starts with https:// (http:// only where the "
                      "operator sets WEBHOOKS_ALLOW_PRIVATE=1).")
    if parts.username is not None or parts.password is not None:
        raise _refuse("Leave the user name and password out of the address: receivers "
                      "authenticate Cairn by the signature.")
    if parts.fragment or value.endswith("#"):
        raise _refuse("A webhook address has no #fragment (it is never sent).")
    host = (parts.hostname or "").lower()
    if not host:
        raise _refuse("That address has no host name.")
    if port == 0:
        raise _refuse("Port 0 is not a port a server listens on.")
    _check_host(host, allow_private=allow_private)
    return WebhookUrl(value=value, scheme=scheme, host=host,
                      port=port if port is not None else (443 if scheme == "https" else 80))


def _check_host(host: str, *, allow_private: bool) -> None:
    if "%" in host:
        raise _refuse("An IPv6 address with a zone (`%eth0`) only means something on one "
                      "machine.")
    address = parse_ip(host)
    if address is not None:
        why = refusal(address, allow_private=allow_private)
        if why is not None:
            raise _refuse(f"Not this address: {why}.")
        return
    if ":" in host:
        raise _refuse(f"`{host[:80]}` is not a valid IPv6 address.")
    labels = host.rstrip(".").split(".")
    if _NUMBER.match(labels[-1]):
        # Browsers and some resolvers read `127.1`, `2130706433` or `0x7f.1` as 127.0.0.1.
        raise _refuse(f"`{host[:80]}` is not a valid IPv4 address (write all four numbers, "
                      "in decimal).")
    try:
        ascii_host = host.rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        raise _refuse(f"`{host[:80]}` is not a valid host name.") from None
    if len(ascii_host) > 253 or not all(_LABEL.match(label) for label in
                                        ascii_host.split(".")):
        raise _refuse(f"`{host[:80]}` is not a valid host name.")
    loopback = ascii_host == "localhost" or ascii_host.endswith(".localhost")
    local = loopback or "." not in ascii_host or ascii_host.endswith(_LOCAL_SUFFIXES)
    if local and not allow_private:
        kind = AddressKind.LOOPBACK if loopback else AddressKind.PRIVATE
        raise _refuse(f"`{ascii_host}` is a name of the local network ({kind.value}); webhooks "
                      "reach only public hosts unless the operator sets "
                      "WEBHOOKS_ALLOW_PRIVATE=1.")
