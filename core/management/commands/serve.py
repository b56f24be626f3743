"""veche serve: Veche over ASGI with uvicorn (see docs/serving.md for why uvicorn)."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve Veche over ASGI (uvicorn): pages, the API and the live event streams."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument("--log-level", default="warning")

    def handle(self, host, port, workers, log_level, **options):
        import resource

        import uvicorn

        # Every open page holds a connection for its live stream: allow as many as the system does.
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

        if workers > 1 and not settings.REDIS_URL:
            raise CommandError(
                "Several workers need VECHE_REDIS_URL: without Redis, live events, presence and "
                "caches live inside one process. Use --workers 1, or set VECHE_REDIS_URL."
            )
        if workers > 1 and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
            self.stderr.write("Note: several workers on SQLite share one writer; PostgreSQL scales further.")
        os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.dev")
        uvicorn.run(
            "config.asgi:application", host=host, port=port, workers=workers, log_level=log_level,
            access_log=False, lifespan="on", timeout_graceful_shutdown=3, backlog=4096,
        )
