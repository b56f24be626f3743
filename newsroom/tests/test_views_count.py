"""Page views: counted in the process, written to the database in batches."""

from core import pagecache
from newsroom import actions
from newsroom.models import Article


def test_views_gather_and_reach_the_database_in_batches(article):
    before = Article.objects.get(pk=article.pk).views
    shown = [actions.do_record_view(article) for _ in range(actions.VIEW_FLUSH_EVERY + 3)]
    assert shown == list(range(before + 1, before + actions.VIEW_FLUSH_EVERY + 4))  # every view counts at once
    # one batch was written; the three views after it wait in the process
    assert Article.objects.get(pk=article.pk).views == before + actions.VIEW_FLUSH_EVERY


def test_views_the_front_served_count_in_the_same_batches(article, django_assert_num_queries):
    before = Article.objects.get(pk=article.pk).views
    for _ in range(5):
        assert pagecache.count_view(article.pk) is None  # pages served from the cache
    with django_assert_num_queries(0):
        assert actions.do_record_view(article) == before + 6  # no write, no query until a batch is full
    for _ in range(actions.VIEW_FLUSH_EVERY - 7):
        actions.do_record_view(article)
    assert Article.objects.get(pk=article.pk).views == before
    assert actions.do_record_view(article) == before + actions.VIEW_FLUSH_EVERY
    assert Article.objects.get(pk=article.pk).views == before + actions.VIEW_FLUSH_EVERY


def test_a_rendered_page_view_is_counted_in_the_process(article, client):
    before = Article.objects.get(pk=article.pk).views
    assert client.get(article.get_absolute_url()).status_code == 200
    assert pagecache.pending_views(article.pk) == 1
    assert Article.objects.get(pk=article.pk).views == before
