"""veche load-demo: the seed page (when ../shared/seed is there) and Veche's own demo articles."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from imports import demo, demo_ru, page, pagewriter


def seed_dir() -> Path:
    return Path(os.environ.get("VECHE_SEED_DIR", settings.BASE_DIR.parent / "shared" / "seed"))


class Command(BaseCommand):
    help = "Load demo content: the seed capture, if present, and demo articles with discussions."

    def add_arguments(self, parser):
        parser.add_argument("--russian", action="store_true",
                            help="Also the Russian demo articles (a Russian site, VECHE_LANGUAGE=ru, gets only those).")

    def handle(self, **options):
        articles = demo.load(russian=True if options["russian"] else None)
        self.stdout.write(f"Demo: {len(articles)} articles with discussions.")
        folder = seed_dir()
        captures = sorted(folder.glob("*.txt")) if folder.is_dir() else []
        if not captures:
            self.stdout.write(f"No seed capture in {folder}: only the demo articles were loaded.")
        for path in captures:
            section = demo_ru.SEED_SECTION if settings.LANGUAGE_CODE == "ru" else "Analytics"
            result = pagewriter.write(page.parse(path.read_text(encoding="utf-8")), section=section,
                                      keep_open=True, language="en")  # the capture is in English
            self.stdout.write(f"Seed: {result.article.title} ({result.created} new comments)")
        self.stdout.write(f"Demo members sign in with the password “{demo.DEMO_PASSWORD}” "
                          "(for example “Marina K”, or “Марина_К” on a Russian site).")
