"""veche import-page PATH: read a plain-text capture of an article page and its discussion."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from imports import page, pagewriter
from imports.errors import ImportFormatError


class Command(BaseCommand):
    help = "Import a plain-text capture of an article page with its whole comment tree."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--section", default="News")
        parser.add_argument("--keep-open", action="store_true",
                            help="Keep the discussion open (otherwise it closes like any old article).")

    def handle(self, path, section, keep_open, **options):
        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: cannot read the file: {exc}") from exc
        try:
            parsed = page.parse(text)
        except ImportFormatError as exc:
            raise CommandError(f"{path}:{exc.line}: {exc.reason}. Nothing was imported.") from exc
        result = pagewriter.write(parsed, section=section, keep_open=keep_open)
        self.stdout.write(
            f"{result.article.title}: {result.created} comments imported, {result.existing} already there "
            f"→ {result.article.get_absolute_url()}"
        )
