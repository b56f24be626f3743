"""What the insight pages keep, and how stale it may be (docs/caching.md): the site's
comments per day counted once and then only past the last count (insight.daycounts); an
article's figures under its thread version for at most 60 s; the site's for at most 5 min."""

from datetime import timedelta

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from discussion.models import Comment
from insight import daycounts, figures, panels
from insight.models import Counted, DayCount


def _later(minutes=2):
    return timezone.now() + timedelta(minutes=minutes)


def _today(now=None) -> str:
    return (now or timezone.now()).strftime("%Y-%m-%d")


def test_the_days_are_counted_once_then_only_past_the_last_count(known, post):
    article, dave = known["article"], known["members"][3]
    later = _later()
    assert figures.for_site(later).comments[-1] == 11  # settled by then: stored
    assert DayCount.objects.get(day=_today(later)).comments == 11
    assert Counted.objects.get().upto == Comment.objects.latest("id").pk
    post(dave, article, "One more.")
    post(dave, article, "And another.")
    with CaptureQueriesContext(connection) as seen:
        f = figures.for_site()  # the two new ones are too young to store: counted at the view
    assert f.comments[-1] == 13 and DayCount.objects.get(day=_today()).comments == 11
    days = [q["sql"] for q in seen.captured_queries if "GROUP BY 1, 2" in q["sql"] and "discussion_comment" in q["sql"]]
    assert len(days) == 1 and "WHERE id >" in days[0] and "created >=" not in days[0]  # not the window
    later = _later()
    assert figures.for_site(later).comments[-1] == 13
    assert figures.for_site(later).comments[-1] == 13  # stored once, not twice
    assert DayCount.objects.get(day=_today(later)).comments == 13


def test_a_comment_of_an_earlier_day_goes_to_its_day_and_one_past_the_window_nowhere(known, post):
    article, dave = known["article"], known["members"][3]
    figures.for_site(_later())
    now = timezone.now()
    three_days_ago = post(dave, article, "Imported.")
    Comment.objects.filter(pk=three_days_ago.pk).update(created=now - timedelta(days=3))
    long_ago = post(dave, article, "Imported long ago.")
    Comment.objects.filter(pk=long_ago.pk).update(created=now - timedelta(days=figures.SITE_DAYS + 5))
    f = figures.for_site(_later())
    assert f.comments[-1] == 11 and f.comments[-4] == 1 and f.total == 12
    assert not DayCount.objects.filter(day__lt=f.days[0]).exists()


def test_a_view_that_lost_the_race_stores_nothing(known):
    figures.for_site(_later())
    upto = Counted.objects.get().upto
    daycounts._store(upto - 1, upto + 100, {_today(): 50}, _today())  # another view moved it first
    assert Counted.objects.get().upto == upto and DayCount.objects.get(day=_today()).comments == 11


def test_the_site_figures_are_kept_five_minutes_at_most(known, post, monkeypatch):
    kept = {}
    real_set = cache.set

    def remember(key, value, timeout=None):
        kept[key] = timeout
        return real_set(key, value, timeout=timeout)

    monkeypatch.setattr(cache, "set", remember)
    assert panels.site_figures().total == 11
    assert kept["insight:site"] == panels.SITE_SECONDS == 300
    post(known["members"][3], known["article"], "One more.")
    assert panels.site_figures().total == 11  # stale, as docs/caching.md says
    cache.delete("insight:site")  # what the expiry does
    assert panels.site_figures().total == 12


def test_an_article_follows_a_new_comment_at_once_and_a_report_within_a_minute(known, post, monkeypatch):
    from moderation import actions as moderation

    kept = {}
    real_set = cache.set

    def remember(key, value, timeout=None):
        kept[key] = timeout
        return real_set(key, value, timeout=timeout)

    monkeypatch.setattr(cache, "set", remember)
    article = known["article"]
    assert panels.article_figures(article).reports == {"insult": (1, 1), "offtopic": (1, 0)}
    assert all(55 <= t <= panels.ARTICLE_SECONDS for t in kept.values()) and panels.ARTICLE_SECONDS == 60
    alice, _bob, carol, _dave = known["members"]
    moderation.report(carol, known["c1"], "spam")
    article.refresh_from_db()
    assert "spam" not in panels.article_figures(article).reports  # a report moves no thread version
    cache.clear()  # what the expiry does
    assert panels.article_figures(article).reports["spam"] == (1, 1)
    post(alice, article, "Counted at once.")
    article.refresh_from_db()
    assert panels.article_figures(article).total == 12  # a new thread version: a new key


# --- an article's figures kept in the database, computed again by a task ----------------------

def _page(client, known) -> str:
    from django.urls import reverse

    response = client.get(reverse("insight:article", args=["known"]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_large_discussion_is_kept_and_computed_again_by_a_task(client, known, editor, post, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    from insight import kept
    from insight.models import KeptFigures

    monkeypatch.setattr(kept, "INLINE_UP_TO", 0)  # the known discussion counts as large
    client.force_login(editor)
    page = _page(client, known)  # the first view computes them, once
    assert "11 comments;" in page and "being computed again" not in page
    row = KeptFigures.objects.get(article=known["article"])
    assert row.thread_version == known["article"].thread_version
    assert kept.from_json(row.data) == figures.for_article(known["article"])

    post(known["members"][3], known["article"], "One more.")
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        page = _page(client, known)
        assert "11 comments;" in page and "being computed again" in page  # the kept ones, said to be stale
        again = _page(client, known)
        assert "11 comments;" in again
    assert len(enqueued) == 1  # one refresh for the two views
    enqueued[0]()  # the task (the immediate backend runs it at once)
    page = _page(client, known)
    assert "12 comments;" in page and "being computed again" not in page
    assert KeptFigures.objects.get(article=known["article"]).thread_version == \
        Comment.objects.get(body="One more.").article.thread_version


def test_kept_figures_older_than_a_minute_are_computed_again(client, known, editor, monkeypatch,
                                                             django_capture_on_commit_callbacks):
    """A report moves no thread version: the kept figures follow it within FRESH_SECONDS."""
    from insight import kept
    from insight.models import KeptFigures
    from moderation import actions as moderation

    monkeypatch.setattr(kept, "INLINE_UP_TO", 0)
    client.force_login(editor)
    _page(client, known)
    moderation.report(known["members"][2], known["c1"], "spam")
    cache.clear()
    assert "still open" in _page(client, known)
    assert "spam" not in kept.from_json(KeptFigures.objects.get().data).reports  # fresh for a minute yet
    KeptFigures.objects.update(computed_at=timezone.now() - timedelta(seconds=kept.FRESH_SECONDS + 1))
    cache.clear()  # the shared cache's copy expires when the kept figures are a minute old
    with django_capture_on_commit_callbacks(execute=True):
        _page(client, known)
    assert kept.from_json(KeptFigures.objects.get().data).reports["spam"] == (1, 1)


def test_a_small_discussion_is_never_kept(client, known, editor):
    from insight.models import KeptFigures

    client.force_login(editor)
    assert "11 comments;" in _page(client, known)
    assert not KeptFigures.objects.exists()


def test_the_refresh_task_of_a_deleted_article_does_nothing(known):
    from insight.tasks import refresh

    article_id = known["article"].pk
    known["article"].delete()
    assert refresh.call(article_id) is False


def test_a_refresh_ending_late_never_keeps_older_figures(known):
    from insight import kept
    from insight.models import KeptFigures
    from newsroom.models import Article

    article = known["article"]
    old = Article.objects.get(pk=article.pk)  # as read by a refresh that started first
    Article.objects.filter(pk=article.pk).update(thread_version=old.thread_version + 1)
    new = Article.objects.get(pk=article.pk)
    assert kept.compute(new).thread_version == new.thread_version
    assert kept.compute(old).thread_version == new.thread_version  # the late one changed nothing
    assert KeptFigures.objects.get(article_id=article.pk).thread_version == new.thread_version
    newer = Article.objects.get(pk=article.pk)
    Article.objects.filter(pk=article.pk).update(thread_version=newer.thread_version + 1)
    newer.refresh_from_db()
    assert kept.compute(newer).thread_version == newer.thread_version  # a newer one is written
