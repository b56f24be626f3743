"""veche export FILE [--with-secrets]: the whole site as JSON Lines ("-" writes to stdout).

The format is in docs/export-format.md; `veche import veche FILE` reads it back.
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from imports.export import write_export


class Command(BaseCommand):
    help = "Export sections, tags, members, authors, articles, comments, votes and quotes as JSON Lines."

    def add_arguments(self, parser):
        parser.add_argument("file", help='Where to write; "-" for standard output.')
        parser.add_argument("--with-secrets", action="store_true",
                            help="Include password hashes (keep such a file as safe as the database).")

    def handle(self, file, with_secrets, **options):
        if file == "-":
            counts = write_export(self.stdout, with_secrets=with_secrets)
        else:
            target = Path(file)
            partial = target.with_name(target.name + ".partial")
            try:
                # Written aside and renamed at the end, so a failed export never looks complete.
                with open(partial, "w", encoding="utf-8", newline="\n") as fh:
                    if with_secrets:
                        os.chmod(partial, 0o600)
                    counts = write_export(fh, with_secrets=with_secrets)
                partial.replace(target)
            except OSError as exc:
                partial.unlink(missing_ok=True)
                raise CommandError(f"{file}: cannot write the export: {exc.strerror or exc}") from exc
        summary = ", ".join(f"{n:,} {kind}" for kind, n in counts.items() if kind != "veche-export")
        (self.stderr if file == "-" else self.stdout).write(f"Exported {summary}.")
