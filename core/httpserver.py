"""The HTTP protocol `veche serve` runs: uvicorn's httptools protocol with the bounds it lacks.

uvicorn's h11 protocol refuses a request head past h11_max_incomplete_event_size; its
httptools one (Veche's, for speed) takes a head of any size, and neither times out a client
that opens a connection and sends its head or its body a byte at a time. Here:

* a request's line and headers may take VECHE_MAX_HEADER_BYTES; past that the answer is 431
  and the connection closes, the application never called (the bytes are also counted as
  they arrive, so a single endless header is cut off, not buffered until it ends);
* a connection must bring a whole request head within VECHE_HEADER_TIMEOUT seconds of
  opening, or of the first byte of its next request; then 408 and close;
* a request's body must arrive within VECHE_BODY_TIMEOUT seconds of its head; else the
  connection closes (the application is told the client left).

The idle time between keep-alive requests stays uvicorn's timeout_keep_alive. A proxy in front
should bound all of this on its side too (docs/deploy.md).

A refusal's sentence is in the reader's language as far as the head told it before the
refusal (core.languages.choose: ?lang= of the address, the language cookie, Accept-Language),
else the site's."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

ACCEPT_MAX = 255  # bytes of Accept-Language read, as core.languages reads it
COOKIE_MAX = 8192  # bytes of a Cookie header searched for the language cookie
URL_KEPT = 2048  # bytes of the address kept for its ?lang=


class _Refused(Exception):
    """Raised from a parser callback; httptools passes it on as an HttpParserError, which
    uvicorn's data_received catches (and send_400_response, refused already, ignores)."""


def _bounds() -> tuple[int, float, float]:
    from django.conf import settings

    return settings.VECHE_MAX_HEADER_BYTES, settings.VECHE_HEADER_TIMEOUT, settings.VECHE_BODY_TIMEOUT


def _plain(status: int, text: str) -> bytes:
    from core.headers import raw

    body = text.encode()
    head = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"), *raw(https=False)]  # (whether it came over https is not known here)
    return b"".join([STATUS_LINE[status], *(b"%s: %s\r\n" % pair for pair in head), b"\r\n", body])


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_head, self.head_timeout, self.body_timeout = _bounds()
        self.head_pending = True  # the next bytes are a request's head
        self.head_bytes = 0  # bytes received while the head was incomplete
        self.head_size = 0  # the head's line and headers, as parsed
        self.refused = False
        self.timer = None
        self._reset_language()

    # --- the reader's language, from what the head has told so far --------------------------

    def _reset_language(self) -> None:
        self.head_url, self.head_accept, self.head_cookie_language = b"", "", None

    def _note_language(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        if name == b"accept-language":
            self.head_accept = value[:ACCEPT_MAX].decode("latin-1")
        elif name == b"cookie":
            from django.conf import settings
            from django.http import parse_cookie

            chosen = parse_cookie(value[:COOKIE_MAX].decode("latin-1")).get(settings.LANGUAGE_COOKIE_NAME)
            self.head_cookie_language = chosen or self.head_cookie_language

    def _language(self) -> str:
        from core import languages

        query = self.head_url.partition(b"?")[2]
        return languages.choose(languages.query_language(query), self.head_cookie_language, self.head_accept)

    # --- the deadlines ---------------------------------------------------------------------

    def _arm(self, seconds: float, callback) -> None:
        self._disarm()
        if seconds > 0:
            self.timer = self.loop.call_later(seconds, callback)

    def _disarm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _head_too_slow(self) -> None:
        self.timer = None
        self._refuse(408, _("The request's headers took too long to arrive."))

    def _body_too_slow(self) -> None:
        """The application is reading the body: closing tells it the client left."""
        self.timer = None
        if not self.transport.is_closing():
            self.transport.close()

    def _refuse(self, status: int, text) -> None:
        """Answer `status` and close, unless an earlier request's answer is under way on this
        connection (pipelining): then only close. `text`: a lazy translation, made in the
        reader's language."""
        self.refused = True
        self._disarm()
        if self.transport.is_closing():
            return
        if self.cycle is None or self.cycle.response_complete:
            with translation.override(self._language()):
                self.transport.write(_plain(status, str(text)))
        self.transport.close()

    # --- uvicorn's protocol --------------------------------------------------------------

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._arm(self.head_timeout, self._head_too_slow)

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.refused:
            return
        if self.head_pending:
            self.head_bytes += len(data)
        super().data_received(data)
        # The whole chunk went through the parser: if the head is still not complete, all of it
        # was head (or the parser holds it as such).
        if self.head_pending and self.head_bytes > self.max_head and not self.refused:
            self._refuse(431, _("The request's headers are too large."))

    def send_400_response(self, msg: str) -> None:
        if not self.refused:
            super().send_400_response(msg)

    def on_message_begin(self) -> None:
        self.head_size = 0
        self._reset_language()
        super().on_message_begin()
        if self.timer is None:  # the first byte of a keep-alive connection's next request
            self._arm(self.head_timeout, self._head_too_slow)

    def on_url(self, url: bytes) -> None:
        self.head_size += len(url)
        if len(self.head_url) < URL_KEPT:
            self.head_url += url[:URL_KEPT - len(self.head_url)]
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self.head_size += len(name) + len(value) + 4
        self._note_language(name, value)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        if self.head_size > self.max_head:
            self._refuse(431, _("The request's headers are too large."))
            raise _Refused  # stops the parser: the request goes no further
        self.head_pending = False
        self.head_bytes = 0
        self._arm(self.body_timeout, self._body_too_slow)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        self.head_pending = True
        super().on_message_complete()
