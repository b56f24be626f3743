"""Page views: counted in the cache, written to the database in batches."""

from unittest import mock

from newsroom import actions
from newsroom.models import Article


def test_views_gather_and_reach_the_database_in_batches(article):
    before = Article.objects.get(pk=article.pk).views
    shown = [actions.do_record_view(article) for _ in range(actions.VIEW_FLUSH_EVERY + 3)]
    assert shown == list(range(before + 1, before + actions.VIEW_FLUSH_EVERY + 4))  # every view counts at once
    # one batch was written; the three views after it wait in the cache
    assert Article.objects.get(pk=article.pk).views == before + actions.VIEW_FLUSH_EVERY


def test_a_view_is_written_directly_when_the_cache_is_away(article):
    from core.cache import CacheUnavailable

    before = Article.objects.get(pk=article.pk).views
    with mock.patch.object(actions, "count", side_effect=CacheUnavailable("away")):
        assert actions.do_record_view(article) == before + 1
    assert Article.objects.get(pk=article.pk).views == before + 1
