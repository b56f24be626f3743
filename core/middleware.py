"""Security headers for every response."""

import logging
import secrets

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
