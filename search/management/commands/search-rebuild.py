"""`veche search-rebuild`: the search index afresh from the articles and comments.

The index keeps in step by itself (the actions' signals); this is for operators: a site that
had comments before search came, or an index restored from an older backup."""

from django.core.management.base import BaseCommand

from search.index import rebuild


class Command(BaseCommand):
    help = "Rebuild the search index of articles and comments from scratch."

    def handle(self, *args, **options):
        articles, comments = rebuild(say=lambda line: self.stderr.write(f"  {line}"))
        self.stdout.write(f"Indexed {articles:,} articles and {comments:,} comments.")
