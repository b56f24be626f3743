"""The ASGI front: what can be answered without Django is answered here.

* anonymous readers of an article page, or of its comments JSON, get the finished bytes
  from core.pagecache in one send (the article view stored them);
* the live stream of an article is served by live.stream.

Everything else, and anything unusual (a session cookie, other query parameters, a host
Django would refuse, plain http where https is required), goes to Django unchanged."""

import asyncio
import re
from urllib.parse import parse_qsl

from django.conf import settings
from django.http.request import split_domain_port, validate_host

from core import pagecache

ARTICLE = re.compile(r"^/articles/([^/]+)/$")
API = re.compile(r"^/api/v1/articles/([^/]+)/comments/$")
EVENTS = re.compile(r"^/articles/([^/]+)/events/$")
ORDERS = {"oldest", "newest", "best"}


def variant(query: bytes, allow_page: bool = True) -> str | None:
    """The cache variant for a query string, or None when it holds anything else."""
    order, page = "oldest", "1"
    try:
        pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True, strict_parsing=False)
    except ValueError:
        return None
    for k, v in pairs:
        if k == "order" and v in ORDERS:
            order = v
        elif k == "p" and allow_page and v.isdigit() and 0 < len(v) < 6:
            page = str(int(v))
        else:
            return None
    return f"{order}:{page}"


def security_headers(https: bool) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"content-security-policy",
         b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
         b"font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
        (b"x-frame-options", settings.X_FRAME_OPTIONS.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", (settings.SECURE_REFERRER_POLICY or "same-origin").encode()),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        (b"cache-control", b"no-cache"),
    ]
    if https and settings.SECURE_HSTS_SECONDS:
        value = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            value += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            value += "; preload"
        headers.append((b"strict-transport-security", value.encode()))
    return headers


class Front:
    def __init__(self, django_app):
        self.django = django_app
        self.session_cookie = settings.SESSION_COOKIE_NAME.encode()
        self.headers = {False: security_headers(False), True: security_headers(True)}

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            path = scope["path"]
            m = EVENTS.match(path)
            if m and self._host_ok(scope):
                from live import stream

                return await stream.serve(scope, receive, send, m.group(1))
            page, api = ARTICLE.match(path), API.match(path)
            if (page or api) and self._anonymous(scope) and self._host_ok(scope) and self._scheme_ok(scope):
                kind = "page" if page else "api"
                slug = (page or api).group(1)
                var = variant(scope.get("query_string", b""), allow_page=kind == "page")
                hit = pagecache.lookup(kind, slug, var) if var else None
                if hit is not None:
                    return await self._send(scope, send, kind, *hit)
        return await self.django(scope, receive, send)

    def _anonymous(self, scope) -> bool:
        for name, value in scope.get("headers", []):
            if name == b"cookie" and (self.session_cookie in value or b"messages" in value):
                return False
        return True

    def _host_ok(self, scope) -> bool:
        host = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"), "")
        domain, _port = split_domain_port(host)
        allowed = settings.ALLOWED_HOSTS
        if settings.DEBUG and not allowed:
            allowed = [".localhost", "127.0.0.1", "[::1]"]
        return bool(domain) and validate_host(domain, allowed)

    def _https(self, scope) -> bool:
        if scope.get("scheme") == "https":
            return True
        proxy = settings.SECURE_PROXY_SSL_HEADER
        if proxy:
            name = proxy[0].removeprefix("HTTP_").replace("_", "-").lower().encode()
            return any(k == name and v.decode("latin-1") == proxy[1] for k, v in scope.get("headers", []))
        return False

    def _scheme_ok(self, scope) -> bool:
        return not settings.SECURE_SSL_REDIRECT or self._https(scope)

    async def _send(self, scope, send, kind, article_id, body, content_type):
        if kind == "page":
            batch = pagecache.count_view(article_id)
            if batch:
                asyncio.get_running_loop().run_in_executor(None, pagecache.flush_views, article_id, batch)
        headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode()),
                   *self.headers[self._https(scope)]]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
