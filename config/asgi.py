"""The ASGI application: the front (config.front) before Django's handler.

Django's handler sends a response body in 64 KB pieces, each an await through the server;
an article page of a long discussion is hundreds of KB, so it is sent in one piece here; and
it runs Django's middleware synchronously, in one hop to a thread (see Handler)."""

import os

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
django.setup(set_prefix=False)


class Handler(ASGIHandler):
    chunk_size = 2**24

    def load_middleware(self, is_async=False):
        """One synchronous middleware chain, entered once a request, as under WSGI and in the
        tests. In async mode Django hops between the event loop and a thread at every
        synchronous middleware and every process_request/process_response of the built-in
        ones: about sixteen hops a request here, which doubled the time of a post."""
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)

    async def __call__(self, scope, receive, send):
        """Without Django's per-request ThreadSensitiveContext, which gives every request a new
        thread, and so a new database connection, opened and dropped each time (persistent
        connections cannot work that way). Synchronous work runs in asgiref's one long-lived
        thread instead; it ran one request at a time already."""
        if scope["type"] != "http":
            raise ValueError(f"Django serves only HTTP over ASGI, not {scope['type']}.")
        await self.handle(scope, receive, send)


from config.front import Front  # noqa: E402  (needs the settings loaded above)

application = Front(Handler())
