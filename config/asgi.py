"""The ASGI application: the front (core.front) before Django's handler.

Django's handler sends a response body in 64 KB pieces, each an await through the server;
an article page of a long discussion is hundreds of KB, so it is sent in one piece here."""

import os

import django
from django.core.handlers.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
django.setup(set_prefix=False)


class Handler(ASGIHandler):
    chunk_size = 2**24


from core.front import Front  # noqa: E402  (needs the settings loaded above)

application = Front(Handler())
