"""Changes to the publication: saving articles (rendering their bodies), counting views."""

from django.db.models import F

from core.cache import CacheUnavailable, count
from core.markup import render_article
from newsroom.models import Article

VIEW_FLUSH_EVERY = 20  # buffered views are written to the database in batches of this size


def do_save_article(article: Article) -> Article:
    """Render the body and save; the admin and importers both come through here."""
    article.body_html = render_article(article.body)
    if article.state == Article.State.PUBLISHED and article.published_at is None:
        from django.utils import timezone

        article.published_at = timezone.now()
    article.save()
    if article.pk is not None:  # its cached pages show the old text or state: drop them after commit
        from django.db import transaction

        from core import pagecache

        transaction.on_commit(lambda: pagecache.invalidate(article.pk))
    return article


def do_record_view(article: Article) -> int:
    """Count a page view. Views gather in the cache and reach the database in batches, so
    reading an article costs no database write; returns the count to show."""
    key = f"views:{article.pk}"
    try:
        pending = count(key)
    except CacheUnavailable:
        Article.objects.filter(pk=article.pk).update(views=F("views") + 1)  # count it directly
        return article.views + 1
    if pending >= VIEW_FLUSH_EVERY:
        count(key, -pending)
        Article.objects.filter(pk=article.pk).update(views=F("views") + pending)
        article.views += pending
        pending = 0
    return article.views + pending
