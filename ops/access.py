"""Who may read /metrics: a request with `Authorization: Bearer <VECHE_METRICS_TOKEN>`, or
one from an address inside VECHE_METRICS_ALLOW (comma-separated CIDRs; none by default).
With neither set, no one: the metrics say how busy the site is and which doors are hammered."""

import hmac
import ipaddress
import logging

from django.conf import settings

from core.http import client_address

log = logging.getLogger(__name__)


def networks(entries) -> list:
    """The allowed networks; a malformed entry is left out (ops.checks reports it at start)."""
    found = []
    for entry in entries:
        try:
            found.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return found


def _token_ok(request) -> bool:
    token = settings.VECHE_METRICS_TOKEN
    if not token:  # no token set: none is accepted, not even an empty one
        return False
    scheme, _, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def _address_ok(request) -> bool:
    allowed = networks(settings.VECHE_METRICS_ALLOW)
    if not allowed:
        return False
    # The address the rate limits count: forwarded headers only with trusted proxy hops.
    address = client_address(request.META.get("REMOTE_ADDR"), request.META.get("HTTP_X_FORWARDED_FOR", ""),
                             settings.VECHE_TRUSTED_PROXY_HOPS)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in net for net in allowed)


def may_read_metrics(request) -> bool:
    return _token_ok(request) or _address_ok(request)
