"""The security headers every response carries, written once.

Django's responses get them from core.middleware.SecurityHeadersMiddleware; the ASGI front's
own answers (cached pages, member pages, the live stream, refusals made before Django) put
them on from here too, and the front adds whichever are missing to anything Django's handler
sends that bypassed the middleware (a request Django refused before the middleware ran). So an
error page, a 413 or an event stream carries the same policy as an article page."""

from django.conf import settings
from django.core.signals import setting_changed

from core.memo import Memo

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"


def csp(nonce: str = "") -> str:
    """The Content-Security-Policy: scripts only from our own files; the one inline style block
    a page may have (a member's marks) carries `nonce`."""
    styles = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    images = "".join(f" {o}" for o in getattr(settings, "VECHE_IMAGE_ORIGINS", ()))
    return (f"default-src 'self'; script-src 'self'; style-src {styles}; img-src 'self' data:{images}; "
            "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'")


def hsts() -> str:
    value = f"max-age={settings.SECURE_HSTS_SECONDS}"
    if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
        value += "; includeSubDomains"
    if settings.SECURE_HSTS_PRELOAD:
        value += "; preload"
    return value


def security_headers(https: bool, nonce: str = "") -> list[tuple[str, str]]:
    """(name, value) of every security header, as Django's SecurityMiddleware, the clickjacking
    middleware and ours together would set them; HSTS only over https, as Django does."""
    headers = [
        ("Content-Security-Policy", csp(nonce)),
        ("X-Frame-Options", settings.X_FRAME_OPTIONS),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", settings.SECURE_REFERRER_POLICY or "same-origin"),
        ("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY or "same-origin"),
        ("Permissions-Policy", PERMISSIONS_POLICY),
    ]
    if https and settings.SECURE_HSTS_SECONDS:
        headers.append(("Strict-Transport-Security", hsts()))
    return headers


def raw(https: bool, nonce: str = "") -> list[tuple[bytes, bytes]]:
    """security_headers as ASGI wants them: lower-case names, bytes."""
    if not nonce:
        return list(_raw_shared(https))
    return [(k.lower().encode(), v.encode("latin-1")) for k, v in security_headers(https, nonce)]


_shared: Memo[tuple] = Memo("security-headers", items=2)  # over https or not → the headers


def _raw_shared(https: bool) -> tuple[tuple[bytes, bytes], ...]:
    return _shared.get_or_make(https, lambda: tuple(
        (k.lower().encode(), v.encode("latin-1")) for k, v in security_headers(https)))


def missing(headers: list[tuple[bytes, bytes]], https: bool) -> list[tuple[bytes, bytes]]:
    """The security headers an ASGI response's `headers` lack."""
    present = {k.lower() for k, _v in headers}
    return [(k, v) for k, v in _raw_shared(https) if k not in present]


def _settings_changed(**kwargs) -> None:
    _shared.clear()


setting_changed.connect(_settings_changed)
