"""`veche serve`'s own refusals of a request head (431 too large, 408 too slow) are in the
reader's language as far as the head told it (?lang=, the language cookie, Accept-Language),
else the site's. The protocol is fed bytes as the event loop would feed it."""

import asyncio

import pytest
import uvicorn
from uvicorn.server import ServerState

from core.httpserver import BoundedHttpToolsProtocol


class Transport(asyncio.Transport):
    def __init__(self):
        super().__init__()
        self.written, self.closed = b"", False

    def write(self, data):
        self.written += data

    def close(self):
        self.closed = True

    def is_closing(self):
        return self.closed

    def get_extra_info(self, name, default=None):
        return {"peername": ("127.0.0.1", 5000), "sockname": ("127.0.0.1", 8000)}.get(name, default)

    def pause_reading(self):
        pass

    def resume_reading(self):
        pass


async def _app(scope, receive, send):  # never reached: every head here is refused
    raise AssertionError("the application was called")


def _protocol(settings):
    settings.VECHE_MAX_HEADER_BYTES = 4096
    loop = asyncio.new_event_loop()
    config = uvicorn.Config(_app, http=BoundedHttpToolsProtocol, lifespan="off", log_level="error")
    protocol = BoundedHttpToolsProtocol(config=config, server_state=ServerState(), app_state={}, _loop=loop)
    transport = Transport()
    protocol.connection_made(transport)
    return protocol, transport, loop


LARGE_RU, LARGE_EN = "Заголовки запроса слишком велики", "The request's headers are too large."
SLOW_RU, SLOW_EN = "Заголовки запроса", "The request's headers took too long to arrive."


@pytest.mark.parametrize(("head", "shown", "hidden"), [
    (b"Accept-Language: ru-RU,ru;q=0.9\r\n", LARGE_RU, LARGE_EN),
    (b"Accept-Language: en\r\n", LARGE_EN, LARGE_RU),
    (b"Accept-Language: en\r\nCookie: a=1; veche_language=ru\r\n", LARGE_RU, LARGE_EN),
    (b"", LARGE_EN, LARGE_RU),  # nothing said: the site's language (English here)
])
def test_a_head_too_large_is_refused_in_the_readers_language(settings, head, shown, hidden):
    protocol, transport, loop = _protocol(settings)
    try:
        protocol.data_received(b"GET / HTTP/1.1\r\nHost: x\r\n" + head + b"X-Padding: " + b"a" * 10_000)
        text = transport.written.decode()
        assert text.startswith("HTTP/1.1 431") and shown in text and hidden not in text
        assert transport.closed
    finally:
        protocol.connection_lost(None)
        loop.close()


def test_the_address_lang_counts_and_a_russian_site_answers_a_silent_head_in_russian(settings):
    protocol, transport, loop = _protocol(settings)
    try:
        protocol.data_received(b"GET /?lang=ru HTTP/1.1\r\nHost: x\r\nAccept-Language: en\r\nX-Padding: "
                               + b"a" * 10_000)
        assert LARGE_RU in transport.written.decode()
    finally:
        protocol.connection_lost(None)
        loop.close()
    settings.LANGUAGE_CODE = "ru"
    protocol, transport, loop = _protocol(settings)
    try:
        protocol.data_received(b"GET / HTTP/1.1\r\nHost: x\r\nX-Padding: " + b"a" * 10_000)
        assert LARGE_RU in transport.written.decode() and LARGE_EN not in transport.written.decode()
    finally:
        protocol.connection_lost(None)
        loop.close()


@pytest.mark.parametrize(("head", "shown", "hidden"), [
    (b"Accept-Language: ru\r\n", SLOW_RU, SLOW_EN), (b"Accept-Language: en\r\n", SLOW_EN, SLOW_RU)])
def test_a_head_too_slow_is_refused_in_the_readers_language(settings, head, shown, hidden):
    protocol, transport, loop = _protocol(settings)
    try:
        protocol.data_received(b"GET / HTTP/1.1\r\nHost: x\r\n" + head + b"X-Slow: a")
        protocol._head_too_slow()  # as the timer would, VECHE_HEADER_TIMEOUT seconds on
        text = transport.written.decode()
        assert text.startswith("HTTP/1.1 408") and shown in text and hidden not in text
    finally:
        protocol.connection_lost(None)
        loop.close()
