"""The ASGI front: what can be answered without Django is answered here.

* anonymous readers of an article page, or of its comments JSON, get the finished bytes
  from core.pagecache in one send (the article view stored them);
* signed-in members get the article page's member skeleton filled with their own slots
  (newsroom.memberpage), when the page they would see is the one every member sees;
* the live stream of an article is served by live.stream.

Everything else, and anything unusual (a message to show, other query parameters, a host
Django would refuse, plain http where https is required), goes to Django unchanged — except
a body larger than Django would accept: it is refused here with 413 before it is read (on its
Content-Length at once; without one, as soon as the bytes received pass the limit), where
Django's handler would first spool all of it to a temporary file. Every answer carries the
security headers of core.headers, those Django's handler sends outside its middleware too.
The front's own answers are counted, logged and given an X-Request-ID by ops.front, as
ops.middleware does for Django's."""

import asyncio
import re
from time import perf_counter

from django.conf import settings
from django.core.signals import setting_changed
from django.http import parse_cookie
from django.http.request import split_domain_port, validate_host
from django.middleware.csrf import CSRF_ALLOWED_CHARS as CSRF_CHARS
from django.middleware.csrf import CSRF_SECRET_LENGTH
from django.utils import translation

from config import warm
from core import compress, headers, languages, pagecache, refusals
from core.background import background
from core.memo import Memo
from core.middleware import PrimaryPinMiddleware
from newsroom import viewcount
from newsroom.variations import variant
from ops import front as ops_front
from ops import metrics

ARTICLE = re.compile(r"^/articles/([^/]+)/$")
API = re.compile(r"^/api/v1/articles/([^/]+)/comments/$")
EVENTS = re.compile(r"^/articles/([^/]+)/events/$")


def security_headers(https: bool, nonce: str = "", private: bool = False) -> list[tuple[bytes, bytes]]:
    """The security headers every response carries (core.headers), and the front's caching
    ones. A member page's one inline style block carries `nonce`; it is `private` to its reader."""
    return [*headers.raw(https, nonce),
            (b"cache-control", b"private, no-cache" if private else b"no-cache"),
            (b"vary", b"Accept-Language, Cookie")]


def _declared_length(scope) -> int | None:
    """The request's Content-Length, None when it has none (or not a number: the HTTP server
    refuses those)."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isascii() and value.isdigit() else None
    return None


class Front:
    def __init__(self, django_app):
        self.django = django_app
        self.session_cookie = settings.SESSION_COOKIE_NAME

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            return await self._lifespan(receive, send)
        if scope["type"] != "http":
            return await self.django(scope, receive, send)
        started = perf_counter()
        limit = refusals.body_limit(scope["path"])
        length = _declared_length(scope)
        if length is not None and length > limit:
            send = ops_front.observed(scope, send, ops_front.UNMATCHED, started)
            upload = limit != settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            with translation.override(self._language(scope, self._cookies(scope))):
                return await self._refuse(scope, send, refusals.too_large(length, limit, upload))
        if scope["method"] in ("GET", "HEAD"):
            path = scope["path"]
            m = EVENTS.match(path)
            if m and self._host_ok(scope):
                from live import stream

                send = ops_front.observed(scope, send, ops_front.EVENTS, started)
                return await stream.serve(scope, receive, send, m.group(1), https=self._https(scope),
                                          language=self._language(scope, self._cookies(scope)))
            page, api = ARTICLE.match(path), API.match(path)
            if (page or api) and self._host_ok(scope) and self._scheme_ok(scope):
                kind = "page" if page else "api"
                slug = (page or api).group(1)
                cookies = self._cookies(scope)
                language = self._language(scope, cookies)
                var = variant(scope.get("query_string", b""), allow_page=kind == "page", language=language)
                if var and not (self.session_cookie in cookies or "messages" in cookies):
                    hit = pagecache.lookup(kind, slug, var)
                    if hit is not None:
                        metrics.page_hit(kind)
                        route = ops_front.ARTICLE if page else ops_front.API
                        send = ops_front.observed(scope, send, route, started)
                        return await self._send(scope, send, kind, *hit)
                elif var and page and self._member_page_possible(cookies):
                    hit = pagecache.lookup("member", slug, var)
                    if hit is not None and await self._send_member_page(scope, send, hit, cookies, started,
                                                                        language):
                        metrics.page_hit("member")
                        return None
        return await self._to_django(scope, receive, send, limit, started)

    async def _to_django(self, scope, receive, send, limit: int, since: float) -> None:
        """Django's handler, fed at most `limit` bytes of body: past them it is told the client
        left (so it stops reading and answers nothing) and the 413 is sent from here. Its
        answers get whichever security headers they lack (see core.headers)."""
        https = self._https(scope)
        received, over, started = 0, False, False

        async def bounded_receive():
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True
                    return {"type": "http.disconnect"}
            return message

        async def secured_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                lacking = headers.missing(message.get("headers", []), https)
                if lacking:
                    message = {**message, "headers": [*message.get("headers", []), *lacking]}
            await send(message)

        await self.django(scope, bounded_receive, secured_send)
        if over and not started:  # Django answered nothing: nor counted nor logged it
            refused = ops_front.observed(scope, send, ops_front.UNMATCHED, since)
            with translation.override(self._language(scope, self._cookies(scope))):
                await self._refuse(scope, refused, refusals.too_large(
                    None, limit, limit != settings.DATA_UPLOAD_MAX_MEMORY_SIZE))

    async def _refuse(self, scope, send, refusal: tuple[int, str, str]) -> None:
        """A refusal made before Django: the connection is closed after it, since the rest of
        the request's body is not read."""
        status, code, message = refusal
        sent = {k: v.decode("latin-1") for k, v in scope.get("headers", ()) if k in (b"accept", b"x-requested-with")}
        body, content_type = refusals.body(status, code, message,
                                           refusals.wants_json(sent.get(b"accept", ""), sent.get(b"x-requested-with", "")))
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"), *security_headers(self._https(scope))]})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})

    @staticmethod
    async def _lifespan(receive, send) -> None:
        """The server's start and clean stop (SIGTERM, SIGINT): at the start, what the first
        requests would load is loaded (config.warm); at the stop, once the last
        requests are answered, the page views still counted in memory are written and the
        members still to be told of a post are told (core.background)."""
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                background.start()
                await asyncio.get_running_loop().run_in_executor(None, warm.warm_up)
                await asyncio.get_running_loop().run_in_executor(None, _mirror_start)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await asyncio.get_running_loop().run_in_executor(None, _mirror_stop)
                await asyncio.get_running_loop().run_in_executor(None, viewcount.flusher.stop)
                await asyncio.get_running_loop().run_in_executor(None, background.flush)
                await send({"type": "lifespan.shutdown.complete"})
                return

    @staticmethod
    def _language(scope, cookies: dict[str, str]) -> str:
        """The reader's language, decided as Django decides it (core.languages.choose; a
        member's saved choice reaches the front as the cookie Django sets from it)."""
        return languages.choose(languages.query_language(scope.get("query_string", b"")),
                                cookies.get(settings.LANGUAGE_COOKIE_NAME), _header(scope, b"accept-language"))

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

    async def _send_member_page(self, scope, send, hit, cookies, started: float, language: str) -> bool:
        """Fill the member page skeleton for this member (in a thread: it reads the session and
        the database) in their language; False when Django must answer instead."""
        from newsroom import memberpage

        article_id, skeleton, content_type, _forms = hit
        # Chosen on the address or by the cookie: a member's saved choice does not override it.
        explicit = bool(languages.query_language(scope.get("query_string", b""))
                        or languages.supported(cookies.get(settings.LANGUAGE_COOKIE_NAME)))
        # gzip, not brotli: a member page is joined from the skeleton's parts deflated once and
        # the member's own values stored between them (core.compress), which brotli cannot do.
        gzip = compress.accepts(_header(scope, b"accept-encoding"), "gzip")
        args = (skeleton, article_id, cookies[self.session_cookie], cookies[settings.CSRF_COOKIE_NAME], language,
                explicit, gzip)
        filled = memberpage.personalise_from_memory(*args)
        if filled is None:
            filled = await asyncio.get_running_loop().run_in_executor(None, memberpage.personalise, *args)
        if filled is None:
            return False
        body, nonce, encoding = filled
        member = memberpage.viewer_id(cookies[self.session_cookie], language)
        send = ops_front.observed(scope, send, ops_front.ARTICLE, started, member=member)
        await self._send(scope, send, "page", article_id, body, content_type, encoded=encoding,
                         extra=security_headers(self._https(scope), nonce=nonce, private=True))
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

    async def _send(self, scope, send, kind, article_id, body, content_type, forms=None, extra=None,
                    encoded: str | None = None):
        """One response in one piece; a page view is counted. `forms`: the body compressed,
        by encoding (a cached page's, made once: core.pagecache), sent to a client that takes
        one. `encoded`: the encoding `body` already has (a member page). `extra`: the security
        headers when they are not the shared ones (a member page's nonce)."""
        if kind == "page":
            viewcount.count(article_id)
        encoding = compress.accepted(_header(scope, b"accept-encoding")) if forms else None
        if encoded is not None:
            coded = [(b"content-encoding", encoded.encode()), _VARY_BOTH]
        elif forms and encoding in forms:
            body = forms[encoding]
            coded = [(b"content-encoding", encoding.encode()), _VARY_BOTH]
        else:
            coded = [_VARY_BOTH] if forms is not None else []
        common = extra if extra is not None else _shared_headers(self._https(scope))
        if coded:  # one Vary line naming all three (the common headers name language and cookie)
            common = [h for h in common if h[0] != b"vary"]
        sent = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode()), *coded,
                *common]
        await send({"type": "http.response.start", "status": 200, "headers": sent})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


_VARY_BOTH = (b"vary", b"Accept-Language, Cookie, Accept-Encoding")


def _mirror_start() -> None:
    """Pages on disk for nginx (core.mirror): those a stopped worker left are removed (no
    worker would remove them at their time), and nginx's log of the pages it served is
    listened to, to count their views (newsroom.viewlog)."""
    from core.mirror import mirror
    from newsroom import viewlog

    mirror.clear()
    if settings.VECHE_VIEW_LOG:
        viewlog.start(settings.VECHE_VIEW_LOG)


def _mirror_stop() -> None:
    """This worker's pages leave the disk with it; the last views nginx logged are counted."""
    from core.mirror import mirror
    from newsroom import viewlog

    viewlog.stop()
    mirror.close()


def _header(scope, name: bytes) -> str:
    return next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == name), "")


_headers: Memo[tuple] = Memo("front-headers", items=2)  # over https or not → a page's headers


def _shared_headers(https: bool) -> tuple[tuple[bytes, bytes], ...]:
    return _headers.get_or_make(https, lambda: tuple(security_headers(https)))


setting_changed.connect(lambda **kwargs: _headers.clear(), weak=False)
