"""Posting, editing, deleting and voting through the actions, at their edges."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from core.errors import ActionError
from discussion import actions
from discussion.models import BODY_MAX, EDIT_WINDOW, Comment, Quote, Vote
from newsroom.models import Article


def test_a_comment_and_a_reply_update_the_counters(alice, bob, article, post):
    c = post(alice, article, "Hello :wink:")
    r = post(bob, article, "Hi back", parent=c)
    article.refresh_from_db()
    alice.refresh_from_db()
    assert article.comment_count == 2
    assert alice.comment_count == 1
    assert (r.parent_id, r.depth) == (c.pk, 1)
    assert 'alt="winked"' in c.body_html


@pytest.mark.parametrize("body", ["", "   \n\t ", "\u200b\u200b", "\u202e"])
def test_an_empty_comment_is_refused(alice, article, post, body):
    with pytest.raises(ActionError, match="empty"):
        post(alice, article, body)
    assert not Comment.objects.exists()


def test_the_length_limit_is_exact(alice, article, post):
    post(alice, article, "x" * BODY_MAX)
    with pytest.raises(ActionError, match="at most 10,000 characters; this one has 10,001"):
        post(alice, article, "x" * (BODY_MAX + 1))
    assert Comment.objects.count() == 1


def test_a_reply_to_a_missing_comment_or_another_article_is_refused(alice, article, make_article, post):
    other = make_article()
    foreign = post(alice, other, "elsewhere")
    with pytest.raises(ActionError, match="does not exist"):
        post(alice, article, "reply", parent=Comment(pk=987654))
    with pytest.raises(ActionError, match="another publication"):
        post(alice, article, "reply", parent=foreign)
    assert Comment.objects.count() == 1


def test_signed_out_and_closed_discussions_are_refused(alice, make_article, post):
    from django.contrib.auth.models import AnonymousUser

    closed = make_article(comments_open=False)
    old = make_article(published_at=timezone.now() - timedelta(days=31))
    open_old = make_article(published_at=timezone.now() - timedelta(days=31), comments_close_after_days=0)
    with pytest.raises(ActionError, match="Sign in"):
        actions.post_comment(AnonymousUser(), open_old, "hi")
    with pytest.raises(ActionError, match="closed by the editors"):
        post(alice, closed, "hi")
    with pytest.raises(ActionError, match="closed automatically"):
        post(alice, old, "hi")
    post(alice, open_old, "hi")


def test_drafts_cannot_be_commented(alice, make_article, post):
    draft = make_article(state=Article.State.DRAFT)
    with pytest.raises(ActionError) as err:
        post(alice, draft, "hi")
    assert err.value.status == 404


def test_the_same_idempotency_key_stores_once(alice, article, post):
    a = post(alice, article, "once", idempotency_key="k" * 32)
    b = post(alice, article, "once", idempotency_key="k" * 32)
    assert a.pk == b.pk and Comment.objects.count() == 1
    article.refresh_from_db()
    assert article.comment_count == 1


def test_edit_within_the_window_marks_edited(alice, bob, article, post):
    c = post(alice, article, "first")
    actions.edit_comment(alice, c, "second **bold**")
    c.refresh_from_db()
    assert c.edited is not None and "<strong>bold</strong>" in c.body_html
    with pytest.raises(ActionError, match="only your own"):
        actions.edit_comment(bob, c, "hijack")


def test_edit_after_the_window_is_refused(alice, article, post):
    c = post(alice, article, "first")
    Comment.objects.filter(pk=c.pk).update(created=timezone.now() - EDIT_WINDOW - timedelta(seconds=1))
    c.refresh_from_db()
    with pytest.raises(ActionError, match="15 minutes"):
        actions.edit_comment(alice, c, "late")
    c.refresh_from_db()
    assert c.body == "first"


def test_delete_keeps_a_placeholder_when_there_are_replies(alice, bob, article, post):
    from discussion import threads

    parent = post(alice, article, "parent")
    post(bob, article, "child", parent=parent)
    lonely = post(alice, article, "lonely")
    actions.delete_comment(alice, parent)
    actions.delete_comment(alice, lonely)
    nodes = threads.build(threads.load_comments(article.pk))
    assert [(n.comment.pk, n.comment.status) for n in nodes] == [
        (parent.pk, "deleted"), (parent.pk + 1, "visible")]
    article.refresh_from_db()
    assert article.comment_count == 1
    with pytest.raises(ActionError):
        actions.delete_comment(bob, Comment.objects.get(body="child").__class__.objects.get(pk=parent.pk))


def test_quotes_record_their_source(alice, bob, article, post):
    c = post(alice, article, "Original words here")
    anchor = article.body_html.split('id="')[1].split('"')[0]
    r = post(bob, article, f"> [quote=c{c.pk}]\n> Original words\n\n> [quote={anchor}]\n> First paragraph.\n\nMine.", parent=c)
    quotes = list(Quote.objects.filter(comment=r).order_by("id"))
    assert [(q.source_comment_id, q.source_anchor, q.text) for q in quotes] == [
        (c.pk, "", "Original words"), (None, anchor, "First paragraph.")]
    assert f'href="{article.get_absolute_url()}#c{c.pk}"' in r.body_html
    assert "alice wrote:" in r.body_html
    assert f'#{anchor}"' in r.body_html and "From the article:" in r.body_html


# --- votes ---------------------------------------------------------------------------------

# (sequence of votes by one member) -> (plus, minus) afterwards
VOTE_TRANSITIONS = [
    ([1], (1, 0)),
    ([-1], (0, 1)),
    ([1, -1], (0, 1)),
    ([-1, 1], (1, 0)),
    ([1, 0], (0, 0)),
    ([-1, 0], (0, 0)),
    ([1, 1], (1, 0)),
    ([0], (0, 0)),
    ([1, -1, 0, -1, 1], (1, 0)),
]


@pytest.mark.parametrize(("sequence", "counts"), VOTE_TRANSITIONS)
def test_vote_transitions(alice, bob, article, post, sequence, counts):
    c = post(alice, article, "vote on me")
    article.refresh_from_db()
    version, changes, previous = article.thread_version, 0, 0
    for value in sequence:
        assert actions.vote(bob, c, value) == (int(value == 1), int(value == -1), value)
        changes += value != previous
        previous = value
    c.refresh_from_db()
    alice.refresh_from_db()
    article.refresh_from_db()
    assert (c.plus, c.minus) == counts
    assert alice.rating == counts[0] - counts[1]
    assert list(Vote.objects.filter(comment=c).values_list("value", flat=True)) == ([sequence[-1]] if sequence[-1] else [])
    assert article.thread_version == version + changes  # each vote that moved the counts, once


@pytest.mark.django_db(transaction=True)
def test_a_vote_commits_without_waiting_for_the_disk_and_nothing_else_does(alice, bob, article, post, monkeypatch):
    """PostgreSQL: a vote's transaction commits asynchronously (a server crash may lose the
    last votes, each whole); the connection is back to synchronous commits afterwards."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's (the PostgreSQL + Redis pass)")
    c = post(alice, article, "a minus is screened inside the vote's transaction")
    during = []
    monkeypatch.setattr(actions.voting, "MINUS_SCREENS", [lambda vote: during.append(_setting()) or False])
    actions.vote(bob, c, -1)
    assert during == ["off"]
    assert _setting() == "on"
    post(alice, article, "comments commit as before")
    assert _setting() == "on"
    with transaction.atomic():  # a vote inside a larger transaction (an import) leaves its commit alone
        actions.vote(bob, c, 1)
        assert during == ["off"] and _setting() == "on"


def _setting() -> str:
    from core import statements

    return statements.one("SHOW synchronous_commit", [])[0]


def test_no_vote_on_own_or_deleted_comment(alice, bob, article, post):
    c = post(alice, article, "mine")
    with pytest.raises(ActionError, match="your own"):
        actions.vote(alice, c, 1)
    actions.delete_comment(alice, c)
    with pytest.raises(ActionError, match="deleted or removed"):
        actions.vote(bob, c, 1)
    with pytest.raises(ActionError, match=r"\+1, −1 or 0"):
        actions.vote(bob, post(alice, article, "x"), 5)
    assert not Vote.objects.exists()


def test_vote_delta_table():
    table = {(o, n): actions.vote_delta(o, n) for o in (1, -1, 0) for n in (1, -1, 0)}
    assert table == {
        (0, 1): (1, 0), (0, -1): (0, 1), (0, 0): (0, 0),
        (1, 1): (0, 0), (1, -1): (-1, 1), (1, 0): (-1, 0),
        (-1, 1): (1, -1), (-1, -1): (0, 0), (-1, 0): (0, -1),
    }


def test_a_bulk_post_leaves_what_the_same_posts_one_by_one_leave(alice, bob, make_article):
    """Importers write whole threads with bulk_post: the rows, their order, the tree and every
    counter must be those of do_post and do_set_status called comment by comment."""
    Status = Comment.Status
    # (author, parent index, status, body); a reply to a reply in the same batch, a deleted
    # comment with a reply, a removed and a held one, a quote of the article title.
    plan = [(alice, None, Status.VISIBLE, "First :wink:"), (bob, 0, Status.VISIBLE, "Reply"),
            (alice, 1, Status.VISIBLE, "Deeper"), (bob, None, Status.DELETED, "Gone"),
            (alice, 3, Status.VISIBLE, "Under the gone one"), (bob, 0, Status.REMOVED, "Spam"),
            (alice, None, Status.HELD, "Waiting"), (bob, 2, Status.VISIBLE, "> [quote=title]\n> Title\n\nYes")]
    one_by_one, bulk = make_article(), make_article()
    made = []
    for author, parent, status, body in plan:
        draft = actions.check_import(one_by_one, body, made[parent] if parent is not None else None,
                                     status=Status.VISIBLE if status == Status.VISIBLE else Status.HELD)
        c = actions.do_post(author, one_by_one, draft)
        if status in (Status.DELETED, Status.REMOVED):
            actions.do_set_status(c, status, "spam")
        made.append(c)
    counts_before = {m.pk: m.comment_count for m in (alice, bob)}
    for m in (alice, bob):
        m.refresh_from_db()
    counts_one = {m.pk: m.comment_count for m in (alice, bob)}
    added = []
    with actions.bulk_post(bulk) as batch:
        for author, parent, status, body in plan:
            draft = actions.check_import(bulk, body, added[parent] if parent is not None else None, status=status)
            added.append(batch.add(author, draft, reason="spam"))

    def shape(article):
        rows = list(Comment.objects.filter(article=article).order_by("id"))
        index = {c.pk: i for i, c in enumerate(rows)}
        return [(index.get(c.parent_id), index.get(c.root_id), c.depth, c.status, c.moderation_reason,
                 c.body_html.replace(article.get_absolute_url(), "/a/"), c.author_id, [q.source_anchor for q in c.quotes.all()]) for c in rows]

    assert shape(bulk) == shape(one_by_one)
    one_by_one.refresh_from_db()
    bulk.refresh_from_db()
    assert bulk.comment_count == one_by_one.comment_count == 5
    assert bulk.thread_version > 0
    for m in (alice, bob):
        m.refresh_from_db()
        assert m.comment_count - counts_one[m.pk] == counts_one[m.pk] - counts_before[m.pk]


def test_a_bulk_post_that_fails_writes_nothing(alice, article):
    with pytest.raises(RuntimeError), actions.bulk_post(article) as batch:
        batch.add(alice, actions.check_import(article, "one", None))
        batch.flush()
        raise RuntimeError("the source file ended early")
    article.refresh_from_db()
    assert not Comment.objects.exists() and article.comment_count == 0


def test_a_vote_that_cannot_be_written_fails_loudly(alice, bob, article, post):
    """Only a lost race is retried; a vote whose counters cannot move (here a vote row written
    behind the actions' back, so minus would go below zero) raises instead of passing silently."""
    from django.db import IntegrityError

    c = post(alice, article, "counted wrong")
    Vote.objects.create(comment=c, voter=bob, value=-1)
    with pytest.raises(IntegrityError):
        actions.vote(bob, c, 0)


def test_one_thread_change_raises_the_version_once_and_keeps_the_counters(alice, bob, article, post,
                                                                         django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Both have spoken before: a first comment gives its author a rank after commit (curation),
    # a change of its own, which this test is not about (nor is alice's rating reaching a rank's
    # threshold, which has her rank worked out again: she keeps hers).
    with django_capture_on_commit_callbacks(execute=True):
        comments = [post(alice, article, f"c{i}") for i in range(5)]
        post(bob, article, "a first word")
    article.refresh_from_db()
    before = article.thread_version
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic(), actions.one_thread_change():
        with CaptureQueriesContext(connection) as queries:
            for c in comments:
                actions.do_vote(bob, c, 1)
            post(bob, article, "and a word")
        assert not any("thread_version" in q["sql"] for q in queries.captured_queries)
    article.refresh_from_db()
    assert article.thread_version == before + 1 and article.comment_count == 7
    assert [c.plus for c in Comment.objects.filter(pk__in=[c.pk for c in comments])] == [1] * 5
