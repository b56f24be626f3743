"""Security headers for every response."""

import logging
import secrets

log = logging.getLogger(__name__)


class SecurityHeadersMiddleware:
    """Every security header (core.headers): Content-Security-Policy with a per-request nonce
    (scripts come only from our own files; the one inline style block, a viewer's marks,
    carries the nonce), Permissions-Policy, and the ones Django's middleware would add.
    It comes first in MIDDLEWARE, so what any later middleware answers by itself (a 413, a
    refused NUL, a 400 for a bad host, a 503) carries them too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from core.headers import security_headers

        request.csp_nonce = secrets.token_urlsafe(12)
        response = self.get_response(request)
        for name, value in security_headers(request.is_secure(), request.csp_nonce):
            if name == "X-Frame-Options" and getattr(response, "xframe_options_exempt", False):
                continue
            response.setdefault(name, value)
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
    sentence (JSON for the page's script), instead of a generic 400 later. (Served by
    `veche serve`, the ASGI front refuses it earlier still, before the body is read.)
    Also refuse NUL characters anywhere in the address or the form, multipart forms (the
    page's script posts those) included: no text field holds them (PostgreSQL cannot store
    them, and they cut the member page's slots), and they only ever come from probes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.core.exceptions import RequestDataTooBig

        from core import refusals

        # Refused here, before the language middleware: each sentence is made in the reader's
        # language all the same (refusals.refuse chooses it as that middleware would).
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = refusals.body_limit(request.path)
        upload = limit != settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if length > limit:
            return refusals.refuse(request, lambda: refusals.too_large(length, limit, upload))
        try:
            nul = "\x00" in request.path or _holds_nul(request.GET) or (
                request.method == "POST" and (_holds_nul(request.POST) or _holds_nul(request.FILES)))
        except RequestDataTooBig:  # its fields, files aside, past Django's own bound while read
            return refusals.refuse(request, lambda: refusals.too_large(
                None, settings.DATA_UPLOAD_MAX_MEMORY_SIZE, fields=upload))
        if nul:
            return refusals.refuse(request, refusals.nul_character)
        return self.get_response(request)


def _holds_nul(data) -> bool:
    """Whether a QueryDict (GET, POST) or MultiValueDict (FILES) has a NUL in a name or a
    text value (an uploaded file's name counts as its text)."""
    for key, values in data.lists():
        if "\x00" in key:
            return True
        for v in values:
            text = v if isinstance(v, str) else getattr(v, "name", "") or ""
            if "\x00" in text:
                return True
    return False


class AfterCommitMiddleware:
    """Sends the Redis writes that followed this request's commits together, before the
    response leaves (core.cache.AfterCommit)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from core.cache import after_commit

        with after_commit.gathered():
            return self.get_response(request)


class PrivateToMembersMiddleware:
    """Whatever Django renders for a signed-in member is theirs: `Cache-Control: private`
    (and revalidated), unless the view said more (never_cache's no-store). The ASGI front
    marks the member pages it fills itself the same way; this covers the pages Django renders
    for a member — the article page with their held comment or a moderator's note to them,
    the reply and report pages, the thread fragment, the comments JSON — so no shared cache
    in between keeps one member's page for another."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from django.utils.cache import patch_cache_control, patch_vary_headers

            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            elif "public" not in response["Cache-Control"]:
                patch_cache_control(response, private=True)
            patch_vary_headers(response, ("Cookie",))
        return response


class CompressionMiddleware:
    """Django's answers compressed when the client takes it (core.compress: brotli, else
    gzip, at the quick levels), with `Vary: Accept-Encoding`. Not streams (the live stream
    must flush each event), not small answers, not what is compressed already.

    BREACH: a page compressed with a secret in it and text an attacker controls can leak the
    secret by size. Django masks the CSRF token anew in every response, so its compressed size
    says nothing across requests; the other per-member parts of a page are the member's own
    (docs/serving.md)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils.cache import patch_vary_headers

        from core import compress

        response = self.get_response(request)
        if response.streaming or response.has_header("Content-Encoding"):
            return response
        if not compress.compressible(response.get("Content-Type", "")):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if len(response.content) < compress.MIN_BYTES:
            return response
        encoding = compress.accepted(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        if encoding is None:
            return response
        response.content = compress.compress(response.content, encoding)
        response["Content-Length"] = str(len(response.content))
        response["Content-Encoding"] = encoding
        return response


class LanguageMiddleware:
    """The request's language, decided by core.languages.choose exactly as the ASGI front
    decides it (so the pages kept per language are the pages Django would render): ?lang=,
    else the language cookie, else — for a signed-in member without that cookie — their saved
    choice, which is then set as the cookie (the front serves member pages only to a member
    who has it), else Accept-Language. Comes after the authentication middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation
        from django.utils.cache import patch_vary_headers

        from core import languages

        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        user = getattr(request, "user", None)
        member = user is not None and user.is_authenticated
        saved = getattr(user, "language", "") if member else ""
        chosen = languages.supported(cookie) or languages.supported(saved)
        language = languages.choose(languages.query_language(request.META.get("QUERY_STRING", "")), chosen,
                                    request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        if member and chosen and languages.supported(cookie) != chosen \
                and settings.LANGUAGE_COOKIE_NAME not in response.cookies:
            set_language_cookie(response, chosen, request.is_secure())
        return response


def set_language_cookie(response, language: str, secure: bool) -> None:
    from django.conf import settings

    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                        samesite=settings.LANGUAGE_COOKIE_SAMESITE, secure=secure, httponly=True)
