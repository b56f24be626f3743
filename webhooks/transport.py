"""POST a body to a receiver, refusing addresses inside the operator's own network.

The host is resolved once, every address it resolves to is checked, and the connection goes
to the checked address (the Host header and TLS name stay the URL's): a name that resolves
to a public address when checked and to 127.0.0.1 when connecting (DNS rebinding) cannot
reach inside. Private, loopback, link-local, multicast, reserved and unspecified addresses
are refused unless settings.VECHE_WEBHOOKS_ALLOW_PRIVATE is on (an operator's explicit
choice, e.g. a tool on the same network; the tests' receiver on 127.0.0.1)."""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

RESPONSE_KEEP = 2000  # characters of a receiver's answer kept for the admin


class Refused(Exception):
    """The URL may not be called: the delivery fails for good, without retries."""


@dataclass
class Answer:
    status: int
    body: str


def check_address(ip: str) -> None:
    addr: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(ip)
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if settings.VECHE_WEBHOOKS_ALLOW_PRIVATE:
        return
    if (addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_multicast
            or addr.is_reserved or addr.is_unspecified):
        raise Refused(_("%(ip)s is a private, loopback or link-local address; set "
                        "VECHE_WEBHOOKS_ALLOW_PRIVATE=1 to allow it.") % {"ip": ip})


def resolve(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, the checked address to connect to)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(_("Only http and https URLs can receive webhooks."))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OSError(f"cannot resolve {parts.hostname}: {exc}") from exc
    addresses = [str(info[4][0]) for info in infos]
    for ip in addresses:
        check_address(ip)
    return parts.scheme, parts.hostname, port, addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """POST and read at most RESPONSE_KEEP characters back. Raises Refused, or OSError /
    http.client.HTTPException for a receiver that cannot be reached or answers nonsense."""
    scheme, host, port, ip = resolve(url)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    conn = cls(host, port, ip, timeout)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read(RESPONSE_KEEP * 4).decode("utf-8", "replace")[:RESPONSE_KEEP]
        return Answer(response.status, text)
    finally:
        conn.close()
