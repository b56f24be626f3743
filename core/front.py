"""The ASGI front: what can be answered without Django is answered here.

* anonymous readers of an article page, or of its comments JSON, get the finished bytes
  from core.pagecache in one send (the article view stored them);
* signed-in members get the article page's member skeleton filled with their own slots
  (newsroom.memberpage), when the page they would see is the one every member sees;
* the live stream of an article is served by live.stream.

Everything else, and anything unusual (a message to show, other query parameters, a host
Django would refuse, plain http where https is required), goes to Django unchanged."""

import asyncio
import re
from urllib.parse import parse_qsl

from django.conf import settings
from django.http import parse_cookie
from django.http.request import split_domain_port, validate_host
from django.middleware.csrf import CSRF_ALLOWED_CHARS as CSRF_CHARS
from django.middleware.csrf import CSRF_SECRET_LENGTH

from core import pagecache
from core.middleware import PrimaryPinMiddleware
from core.params import is_digits
from newsroom import viewcount

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
        elif k == "p" and allow_page and is_digits(v, max_length=5):  # not "²": int() refuses it
            page = str(int(v))
        else:
            return None
    return f"{order}:{page}"


def security_headers(https: bool, nonce: str = "", private: bool = False) -> list[tuple[bytes, bytes]]:
    """What core.middleware.SecurityHeadersMiddleware and Django's own middleware would add.
    A member page's one inline style block carries `nonce`; it is `private` to its reader."""
    styles = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    headers = [
        (b"content-security-policy",
         f"default-src 'self'; script-src 'self'; style-src {styles}; img-src 'self' data:; connect-src 'self'; "
         "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'".encode()),
        (b"x-frame-options", settings.X_FRAME_OPTIONS.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", (settings.SECURE_REFERRER_POLICY or "same-origin").encode()),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        (b"cache-control", b"private, no-cache" if private else b"no-cache"),
        (b"vary", b"Cookie"),
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
        self.session_cookie = settings.SESSION_COOKIE_NAME
        self.headers = {False: security_headers(False), True: security_headers(True)}

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            return await self._lifespan(receive, send)
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            path = scope["path"]
            m = EVENTS.match(path)
            if m and self._host_ok(scope):
                from live import stream

                return await stream.serve(scope, receive, send, m.group(1))
            page, api = ARTICLE.match(path), API.match(path)
            if (page or api) and self._host_ok(scope) and self._scheme_ok(scope):
                kind = "page" if page else "api"
                slug = (page or api).group(1)
                var = variant(scope.get("query_string", b""), allow_page=kind == "page")
                cookies = self._cookies(scope)
                if var and not (self.session_cookie in cookies or "messages" in cookies):
                    hit = pagecache.lookup(kind, slug, var)
                    if hit is not None:
                        return await self._send(scope, send, kind, *hit)
                elif var and page and self._member_page_possible(cookies):
                    hit = pagecache.lookup("member", slug, var)
                    if hit is not None and await self._send_member_page(scope, send, hit, cookies):
                        return None
        return await self.django(scope, receive, send)

    @staticmethod
    async def _lifespan(receive, send) -> None:
        """The server's start and clean stop (SIGTERM, SIGINT): at the stop, once the last
        requests are answered, the page views still counted in memory are written."""
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await asyncio.get_running_loop().run_in_executor(None, viewcount.flusher.stop)
                await send({"type": "lifespan.shutdown.complete"})
                return

    @staticmethod
    def _cookies(scope) -> dict[str, str]:
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                return parse_cookie(value.decode("latin-1"))
        return {}

    def _member_page_possible(self, cookies: dict[str, str]) -> bool:
        """A member with a session and a CSRF cookie, nothing to show once (messages), and not
        pinned to the primary database (the front reads wherever the router sends it)."""
        secret = cookies.get(settings.CSRF_COOKIE_NAME, "")
        return (self.session_cookie in cookies and len(secret) == CSRF_SECRET_LENGTH
                and not secret.strip(CSRF_CHARS) and "messages" not in cookies
                and PrimaryPinMiddleware.COOKIE not in cookies)

    async def _send_member_page(self, scope, send, hit, cookies) -> bool:
        """Fill the member page skeleton for this member (in a thread: it reads the session and
        the database); False when Django must answer instead."""
        from newsroom import memberpage

        article_id, skeleton, content_type = hit
        args = (skeleton, article_id, cookies[self.session_cookie], cookies[settings.CSRF_COOKIE_NAME])
        filled = memberpage.personalise_from_memory(*args)
        if filled is None:
            filled = await asyncio.get_running_loop().run_in_executor(None, memberpage.personalise, *args)
        if filled is None:
            return False
        body, nonce = filled
        await self._send(scope, send, "page", article_id, body, content_type,
                         security_headers(self._https(scope), nonce=nonce, private=True))
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

    async def _send(self, scope, send, kind, article_id, body, content_type, extra=None):
        """One response in one piece; a page view is counted. `extra`: the security headers
        when they are not the shared ones (a member page's nonce)."""
        if kind == "page":
            viewcount.count(article_id)
        headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode()),
                   *(extra if extra is not None else self.headers[self._https(scope)])]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
