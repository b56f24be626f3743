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


class PrimaryPinMiddleware:
    """With read replicas, a member who just wrote reads from the primary for a few seconds,
    so they see their own comment although the replica may lag behind."""

    COOKIE = "veche_primary"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        from core.dbrouter import PIN_SECONDS, pin_to_primary

        if not settings.REPLICA_URLS:
            return self.get_response(request)
        writes = request.method not in ("GET", "HEAD", "OPTIONS")
        pin_to_primary(writes or self.COOKIE in request.COOKIES)
        try:
            response = self.get_response(request)
        finally:
            pin_to_primary(False)
        if writes:
            response.set_cookie(self.COOKIE, "1", max_age=PIN_SECONDS, httponly=True, samesite="Lax",
                                secure=request.is_secure())
        return response


class BodySizeLimitMiddleware:
    """Refuse an oversized request body at once, before anything reads it: 413 with a
    sentence (JSON for the page's script), instead of a generic 400 later. Also refuse NUL
    characters anywhere in the address or the form: no text field holds them (PostgreSQL
    cannot store them), and they only ever come from probes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if length > limit:
            from django.http import HttpResponse, JsonResponse

            message = (f"This request is too large ({length:,} bytes; at most {limit:,}). "
                       "A comment has at most 10,000 characters.")
            if "application/json" in request.headers.get("Accept", ""):
                return JsonResponse({"error": "too_large", "message": message}, status=413)
            return HttpResponse(f"<!doctype html><title>Too large</title><h1>Too large</h1><p>{message}</p>",
                                status=413)
        if "\x00" in request.path or any("\x00" in k or any("\x00" in v for v in vs)
                                         for k, vs in request.GET.lists()) or (
                request.method == "POST" and request.content_type != "multipart/form-data"
                and any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.POST.lists())):
            from django.http import HttpResponse, JsonResponse

            message = "The request holds a NUL character, which no field accepts."
            if "application/json" in request.headers.get("Accept", ""):
                return JsonResponse({"error": "nul_character", "message": message}, status=400)
            return HttpResponse(f"<!doctype html><title>Bad request</title><h1>Bad request</h1><p>{message}</p>",
                                status=400)
        return self.get_response(request)


class AfterCommitMiddleware:
    """Sends the Redis writes that followed this request's commits together, before the
    response leaves (core.cache.AfterCommit)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from core.cache import after_commit

        with after_commit.gathered():
            return self.get_response(request)
