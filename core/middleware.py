"""Security headers and a clear answer when the database is away."""

import logging
import secrets

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

log = logging.getLogger(__name__)


class SecurityHeadersMiddleware:
    """Content-Security-Policy with a per-request nonce (scripts come only from our own
    files; the one inline style block, a viewer's marks, carries the nonce), and
    Permissions-Policy. nosniff, Referrer-Policy and frame denial come from Django."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(12)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = (
                "default-src 'self'; script-src 'self'; "
                f"style-src 'self' 'nonce-{request.csp_nonce}'; img-src 'self' data:; "
                "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
                "form-action 'self'; frame-ancestors 'none'"
            )
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class DatabaseUnavailableMiddleware:
    """A database that cannot be reached gives a 503 page saying so, not a 500; the next
    request reconnects by itself (persistent connections are health-checked)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError) or (
            isinstance(exception, DatabaseError) and "connection" in str(exception).lower()
        ):
            log.warning("database unavailable: %s", exception)
            from django.db import connections

            for conn in connections.all(initialized_only=True):
                conn.close_if_unusable_or_obsolete()
            body = render_to_string("503.html", {"site_name": "Veche"})
            response = HttpResponse(body, status=503)
            response["Retry-After"] = "5"
            return response
        return None
