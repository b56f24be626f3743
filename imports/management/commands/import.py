"""veche import SOURCE FILE: comments (and articles) from another system, or a Veche export.

    veche import disqus|wordpress|isso|remark42|commento|veche FILE
                 [--dry-run] [--article-map url|title|create] [--skip-removed]
    veche import dle [DUMP.sql | --database-url mysql://user:pass@host:3306/db]
                 --site-url https://old.site [--prefix dle_] [--time-zone ZONE] [--encoding E]
                 [--editor-groups 1,2] [--moderator-groups IDS] [--dry-run]

The converters live in imports/<source>.py; this command only reports. Each thread is
committed on its own, so after an error the threads before it stay and a re-run resumes.
"""

import argparse
import importlib
import json
import time
from xml.etree.ElementTree import ParseError

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from imports.common import ARTICLE_MAPS, Options, Summary
from imports.errors import DEEP_JSON, ImportFormatError

SOURCES = ("disqus", "wordpress", "isso", "remark42", "commento", "veche", "dle")
PROGRESS_EVERY = 0.5  # seconds between progress lines


class Progress:
    """"12,000 comments · 3,400/s" on stderr, redrawn in place on a terminal."""

    def __init__(self, stream, every: float | None = None):
        self.stream = stream
        self.every = PROGRESS_EVERY if every is None else every
        self.start = self.last = time.monotonic()
        self.shown = False
        self.summary: Summary | None = None

    def update(self, summary: Summary) -> None:
        self.summary = summary
        now = time.monotonic()
        if now - self.last < self.every:
            return
        self.last = now
        done = summary.comments + summary.skipped
        rate = done / max(now - self.start, 1e-6)
        tty = self.stream.isatty()
        prefix = "\r" if tty else ""
        self.stream.write(f"{prefix}{done:,} comments · {rate:,.0f}/s", ending="" if tty else "\n")
        self.stream.flush()
        self.shown = tty

    def finish(self) -> None:
        if self.shown:
            self.stream.write("")


class Command(BaseCommand):
    help = ("Import comments from Disqus, WordPress, Isso, Remark42, Commento or a Veche export, "
            "or a whole DataLife Engine site.")

    def add_arguments(self, parser):
        parser.add_argument("source", choices=SOURCES)
        parser.add_argument("file", nargs="?", help="The export (for dle: a mysqldump file, or none "
                                                    "with --database-url).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Read and write everything inside a transaction, then roll it back.")
        parser.add_argument("--article-map", choices=ARTICLE_MAPS, default="url",
                            help="How a thread finds its article (default: url).")
        parser.add_argument("--skip-removed", action="store_true",
                            help="Leave out deleted and spam comments that no kept reply needs.")
        dle = parser.add_argument_group("dle (docs/import-dle.md)")
        dle.add_argument("--database-url", default="",
                         help="Read the DLE database itself: mysql://user:password@host:3306/database")
        dle.add_argument("--site-url", default="", help="The DLE site's address, https://…")
        dle.add_argument("--prefix", default="dle_", help="The DLE tables' prefix (default: dle_).")
        dle.add_argument("--time-zone", default="",
                         help="The zone DLE's dates are in (default: Veche's TIME_ZONE).")
        dle.add_argument("--encoding", default=None,
                         help="A dump's character set, when it does not declare it (e.g. cp1251).")
        dle.add_argument("--editor-groups", default="1,2", type=_ids,
                         help="DLE group ids whose members become editors (default: 1,2).")
        dle.add_argument("--moderator-groups", default=None, type=_ids,
                         help="DLE group ids whose members become moderators (default: the groups "
                              "that may edit or delete every comment).")

    def handle(self, source, file, dry_run, article_map, skip_removed, **options):
        loader = importlib.import_module(f"imports.{source}").load
        progress = Progress(self.stderr)
        common = {"article_map": article_map, "skip_removed": skip_removed, "progress": progress.update}
        if source == "dle":
            from imports.dle import DleOptions

            opts = DleOptions(**common, database_url=options["database_url"], site_url=options["site_url"],
                              prefix=options["prefix"], time_zone=options["time_zone"],
                              encoding=options["encoding"], editor_groups=options["editor_groups"],
                              moderator_groups=options["moderator_groups"])
        elif not file:
            raise CommandError(f"Name the {source} export to import.")
        else:
            opts = Options(**common)
        try:
            if dry_run:
                with transaction.atomic():
                    summary = loader(file, opts)
                    transaction.set_rollback(True)
            else:
                summary = loader(file, opts)
        except Exception as exc:
            progress.finish()
            reason = _reason(exc)
            if reason is None:
                raise
            line, text = reason
            file = file or "the database"
            where = f"{file}:{line}" if line else file
            if progress.summary and progress.summary.comments_created and not dry_run:
                s = progress.summary
                self.stderr.write(f"Kept from before the error: {s.threads:,} whole threads, "
                                  f"{s.comments_created:,} comments.")
            raise CommandError(f"{where}: {text}. Nothing more was imported.") from exc
        progress.finish()
        if not dry_run and summary.comments_created:
            from core import statements
            from discussion.models import Comment, Vote

            statements.settle([Comment, Vote])
        self.stdout.write(summary.as_text())
        if dry_run:
            self.stdout.write("Dry run: everything was rolled back; nothing was saved.")


def _ids(value: str) -> tuple[int, ...]:
    try:
        return tuple(int(v) for v in value.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a list of group ids like 1,2") from None


def _reason(exc: Exception) -> tuple[int | None, str] | None:
    """(line, reason) for the errors a bad file causes; None for anything else (a bug)."""
    if isinstance(exc, ImportFormatError):
        return exc.line, exc.reason
    if isinstance(exc, RecursionError):  # a converter's own recursion on a deep file
        return None, DEEP_JSON
    if isinstance(exc, json.JSONDecodeError):
        return exc.lineno, f"not valid JSON: {exc.msg} (column {exc.colno})"
    if isinstance(exc, ParseError):
        return exc.position[0], f"the XML is malformed: {str(exc).split(': line')[0]}"
    if isinstance(exc, UnicodeDecodeError):
        return None, f"the file is not UTF-8 text (byte {exc.start:,} cannot be read)"
    if isinstance(exc, OSError):
        return None, f"cannot read the file: {exc.strerror or exc}"
    return None

