"""Building, numbering, ordering and rendering threads; the page's query count is constant."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import display, memo
from discussion import actions, render, threads
from discussion.models import Comment


def chain(member_a, member_b, article, post, depth):
    parent = None
    made = []
    for i in range(depth):
        parent = post(member_a if i % 2 == 0 else member_b, article, f"level {i}", parent=parent)
        made.append(parent)
    return made


def test_numbers_follow_the_tree(alice, bob, article, post):
    a = post(alice, article, "a")
    b = post(bob, article, "b")
    a1 = post(bob, article, "a1", parent=a)
    a11 = post(alice, article, "a11", parent=a1)
    a2 = post(bob, article, "a2", parent=a)
    nodes = threads.build(threads.load_comments(article.pk))
    assert [(n.comment.pk, n.number) for n in nodes] == [
        (a.pk, "1"), (a1.pk, "1.1"), (a11.pk, "1.1.1"), (a2.pk, "1.2"), (b.pk, "2")]


def test_orders(alice, bob, make_member, article, post):
    carol = make_member("carol")
    a = post(alice, article, "a")
    b = post(alice, article, "b")
    c = post(alice, article, "c")
    for voter in (bob, carol):
        actions.vote(voter, b, 1)
    actions.vote(bob, a, -1)
    comments = threads.load_comments(article.pk)
    assert [n.comment.pk for n in threads.build(comments, "newest")] == [c.pk, b.pk, a.pk]
    assert [n.comment.pk for n in threads.build(comments, "best")] == [b.pk, c.pk, a.pk]
    # Numbers stay those of the oldest-first order whatever the order shown.
    assert [n.number for n in threads.build(comments, "newest")] == ["3", "2", "1"]


def test_wilson_prefers_many_votes_over_one():
    assert threads.wilson_lower_bound(10, 1) > threads.wilson_lower_bound(1, 0) > 0
    assert threads.wilson_lower_bound(0, 0) == 0


def test_indentation_stops_at_six_levels_and_deeper_replies_say_whom_they_answer(alice, bob, article, post):
    made = chain(alice, bob, article, post, 9)
    html = render.render_thread(threads.build(threads.load_comments(article.pk)))
    assert html.count('<ol class="replies">') == threads.MAX_INDENT - 1
    deep = made[threads.MAX_INDENT]
    li = html[html.index(f'id="c{deep.pk}"'):]
    assert f'in reply to <a href="#c{made[threads.MAX_INDENT - 1].pk}" dir="auto">' in li[:2000]
    # Well-formed nesting: as many closing as opening lists and items.
    assert html.count("<ol") == html.count("</ol>")
    assert html.count("<li") == html.count("</li>")


def test_a_reply_chain_10000_deep_builds_and_renders_without_recursion(alice, article):
    # Rows written directly: this tests the tree code, not the posting path.
    rows = []
    parent = None
    for i in range(10_000):
        c = Comment.objects.create(article=article, parent=parent, author=alice, depth=i,
                                   body="x", body_html="<p>x</p>")
        parent = c
        rows.append(c)
    nodes = threads.build(threads.load_comments(article.pk))
    assert len(nodes) == 10_000
    html = render.render_thread(nodes)
    assert html.count("<ol") == html.count("</ol>") == threads.MAX_INDENT
    import json

    from discussion.api import tree_json

    data = json.loads(tree_json(nodes[:300], set()))  # the nested JSON is iterative too
    depth = 0
    node = data[0]
    while node["children"]:
        node = node["children"][0]
        depth += 1
    assert depth == 299


def test_held_comments_are_seen_only_by_their_author(alice, bob, article, post):
    visible = post(alice, article, "public")
    held = post(bob, article, "wait for me")
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.HELD)
    comments = threads.load_comments(article.pk)
    assert [n.comment.pk for n in threads.build(comments)] == [visible.pk]
    assert [n.comment.pk for n in threads.build(comments, viewer_id=bob.pk)] == [visible.pk, held.pk]


def test_comment_markup_escapes_names(make_member, article, post):
    evil = make_member("x.y", real_name='<img src=x onerror=alert(1)>')
    post(evil, article, "hi")
    html = render.render_thread(threads.build(threads.load_comments(article.pk)))
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.parametrize("signed_in", [False, True])
def test_article_page_query_count_does_not_grow_with_comments(client, alice, bob, article, post, signed_in):
    from discussion.page import clear_caches

    if signed_in:
        client.force_login(bob)

    def count_queries():
        clear_caches()  # a cold render: the worst case
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        return len(ctx.captured_queries)

    post(alice, article, "one")
    small = count_queries()
    parent = None
    for i in range(30):
        parent = post(alice if i % 2 else bob, article, f"c{i}", parent=parent if i % 3 else None)
    actions.vote(bob, Comment.objects.filter(author=alice).first(), 1)
    large = count_queries()
    assert small == large
    # A render from nothing also reads curation's picks and pin, badge roles and ranks
    # (curation.page): three queries, the same for any number of comments; a member's page
    # also reads whether they follow the discussion (notify.follow) and where their last
    # visit began (visits): two more. The authors' ratings (accounts.ratings): one.
    assert large <= (20 if signed_in else 10)


def test_the_cached_thread_is_shared_and_presence_is_per_request(client, alice, bob, article, post):
    from accounts import presence

    post(alice, article, "hello")
    first = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r'<a class="login" dir="auto" href="/members/alice/">alice \(Alice Liddell\)</a> '
                     r'<span data-rating="0" class="presence" title="Offline">', first)
    presence.touch(alice)
    second = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r'<span data-rating="0" class="presence on" title="Online" data-until="\d+">Online</span>', second)


def test_the_live_node_matches_the_thread(alice, bob, article, post):
    """The cheap node built for events and JSON answers agrees with the full thread."""
    from discussion import actions as a
    from discussion.live import node_for

    made = chain(alice, bob, article, post, 8)
    extra = post(alice, article, "second reply", parent=made[2])
    deleted = post(bob, article, "will go", parent=made[2])
    post(alice, article, "reply to the deleted", parent=deleted)
    a.delete_comment(bob, deleted)
    gone = post(bob, article, "gone entirely", parent=made[2])
    a.delete_comment(bob, gone)
    full = {n.comment.pk: n for n in threads.build(threads.load_comments(article.pk))}
    for c in Comment.objects.filter(article=article):
        node = node_for(c)
        if c.pk not in full:
            assert node is None
            continue
        assert (node.index, node.depth) == (full[c.pk].index, full[c.pk].depth), c.body
        html = render.render_comment(node)
        assert html == render.render_comment(full[c.pk]), c.body
    assert extra.pk in full


def test_kept_comment_fragments_never_show_a_comment_as_it_was(alice, bob, article, post, moderator):
    """Each change a comment can undergo must miss the fragment memo: a render that uses it
    equals one from nothing."""
    from moderation import actions as moderation_actions

    def both() -> tuple[str, str]:
        kept = fresh_fragment(article)
        memo.forget_all()  # every kept fragment, byline and zone hour
        return kept, fresh_fragment(article)

    first = post(alice, article, "First words")
    reply = post(bob, article, "A reply", parent=first)
    deep = first
    for i in range(7):  # deep enough to be flattened with "in reply to"
        deep = post(alice if i % 2 else bob, article, f"level {i}", parent=deep)
    fresh_fragment(article)
    changes = [
        lambda: actions.vote(alice, reply, 1),
        lambda: actions.vote(alice, reply, -1),
        lambda: actions.edit_comment(bob, reply, "A reply, corrected"),
        lambda: moderation_actions.edit(moderator, reply, "A reply, trimmed", note="trimmed"),
        lambda: type(bob).objects.filter(pk=bob.pk).update(real_name="Robert"),
        lambda: actions.delete_comment(alice, first),
        lambda: actions.do_set_status(reply, Comment.Status.REMOVED, "spam"),
        lambda: type(alice).objects.filter(pk=alice.pk).update(is_deleted=True),
    ]
    for change in changes:
        change()
        kept, fresh = both()
        assert kept == fresh


def test_a_render_keeps_its_fragments_for_the_next_once_it_has_answered(alice, bob, article, post):
    """A render hands the fragments it made to be kept after its response (core.cache.memo_later):
    until then the next render makes them again; once kept, it makes none of the unchanged
    comments and only the one a vote changed."""
    from unittest import mock

    from core.cache import memo_later

    first = post(alice, article, "First words")
    post(bob, article, "A reply", parent=first)
    post(alice, article, "Another")
    memo_later.flush()
    memo.forget_all()
    nodes = threads.build(threads.load_comments(article.pk))
    with mock.patch.object(render, "_comment", wraps=render._comment) as made:
        render.render_thread(nodes)
        assert made.call_count == 3
        assert len(render.fragments) == 0  # not during the render: after its answer
        assert len(render._bylines) == 0  # nor its two authors' bylines
        memo_later.flush()
        assert len(render.fragments) == 3
        assert len(render._bylines) == 2
        made.reset_mock()
        again = render.render_thread(threads.build(threads.load_comments(article.pk)))
        assert made.call_count == 0
        actions.vote(bob, first, 1)
        changed = render.render_thread(threads.build(threads.load_comments(article.pk)))
        assert made.call_count == 1 and changed != again


def test_a_thread_never_rendered_here_looks_up_no_fragment_and_a_forgotten_mark_costs_only_time(
        alice, bob, article, post):
    """A thread this process has not rendered has no fragments to find: its render reads none
    (it would hash each comment's text for nothing); once it has rendered, the next render
    finds them. Fragments kept without the thread's mark (the mark gone first) are made again,
    the same markup."""
    from unittest import mock

    from core.cache import memo_later

    first = post(alice, article, "First words")
    post(bob, article, "A reply", parent=first)
    memo_later.flush()
    memo.forget_all()

    class Watched(dict):
        looked = 0

        def get(self, key, default=None):
            Watched.looked += 1
            return super().get(key, default)

    with mock.patch.object(render.fragments, "data", Watched()):
        nodes = threads.build(threads.load_comments(article.pk))
        fresh = render.render_thread(nodes)
        assert Watched.looked == 0
        assert (article.pk, "en") in render.fragment_threads.data
        memo_later.flush()
        assert render.render_thread(nodes) == fresh
        assert Watched.looked == 2
        render.fragment_threads.clear()
        with mock.patch.object(render, "_comment", wraps=render._comment) as made:
            assert render.render_thread(nodes) == fresh
            assert made.call_count == 2 and Watched.looked == 2


def test_the_event_of_a_new_comment_matches_the_thread(alice, bob, article, post, django_capture_on_commit_callbacks):
    """A new comment's number is counted inside its transaction and its node built from the
    rows in hand: the event and the poster's answer must equal the thread rendered afterwards,
    among deleted siblings that keep a reply and deeper than the indentation goes."""
    from accounts import ratings
    from accounts.presence import online_until
    from discussion import actions as a
    from live.broker import get_broker

    made = chain(alice, bob, article, post, 8)
    deleted = post(bob, article, "will go", parent=made[2])
    post(alice, article, "reply to the deleted", parent=deleted)
    a.delete_comment(bob, deleted)
    gone = post(bob, article, "gone entirely", parent=made[2])
    a.delete_comment(bob, gone)
    top_gone = post(bob, article, "top, deleted")
    a.delete_comment(bob, top_gone)
    broker = get_broker()
    published = []
    original = broker.publish
    broker.publish = lambda event: published.append(dict(event)) or "1"
    try:
        new = []
        for parent in (made[2], made[7], None, made[0]):
            with django_capture_on_commit_callbacks(execute=True):
                new.append(post(alice, article, "new words", parent=parent))
    finally:
        broker.publish = original
    from discussion import decor

    full = {n.comment.pk: n for n in threads.build(threads.load_comments(article.pk))}
    shown = decor.for_article(article)  # badges and ranks, as the page draws them
    events = {e["comment"]: e for e in published if e["type"] == "comment.new"}
    assert set(events) == {c.pk for c in new}
    for c in new:
        node = full[c.pk]
        event = events[c.pk]
        assert (event["number"], event["depth"]) == (node.index, node.depth)
        assert event["html"] == render.fill_one(render.render_comment(node, decor=shown) + "</li>", "",
                                                 online_until([c.author_id]), ratings.of([c.author_id]))
        assert (c.published_node.index, c.published_node.depth) == (node.index, node.depth)
        assert render.render_comment(c.published_node) == render.render_comment(node)


@pytest.mark.parametrize("datestyle", ["ISO, MDY", "SQL, DMY"])
def test_times_read_as_text_in_any_date_style(alice, article, post, datestyle):
    """A thread's times are read as text; whatever the database's date style, they are the
    same instants, whole seconds included (written without a fraction)."""
    from datetime import UTC, datetime

    c = post(alice, article, "on the minute")
    exact = datetime(2021, 5, 14, 10, 49, 0, tzinfo=UTC)
    fraction = datetime(2021, 5, 14, 10, 49, 7, 123456, tzinfo=UTC)
    Comment.objects.filter(pk=c.pk).update(created=exact, edited=fraction)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET DateStyle = '{datestyle}'")
    try:
        row = next(r for r in threads.load_comments(article.pk) if r.pk == c.pk)
        assert (row.created, row.edited) == (exact, fraction)
        assert display.clock().format(row._created) == display.clock().format(exact)
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET DateStyle = 'ISO, MDY'")


def test_a_built_thread_leaves_no_reference_cycles(alice, bob, article, post):
    """Nodes point to their parents only: a render's thousand nodes are freed when it ends,
    not left for the cycle collector (which cost 0.7 ms a render from nothing)."""
    import gc

    chain(alice, bob, article, post, 5)
    rows = threads.load_comments(article.pk)
    gc.collect()
    gc.disable()
    try:
        nodes = threads.build(rows, "best")
        assert len(nodes) == 5 and nodes[-1].parent is nodes[-2]
        del nodes
        assert gc.collect() == 0
    finally:
        gc.enable()


def fresh_fragment(article, viewer_id=None) -> str:
    """The thread rendered from the rows, without the thread caches; the fragments it made kept
    at once (a server keeps them once the response has left), so the next render uses them."""
    from core.cache import memo_later

    nodes = threads.build(threads.load_comments(article.pk), "oldest", viewer_id=viewer_id)
    html = render.render_thread(nodes)
    memo_later.flush()
    return html


@pytest.mark.parametrize("roots", [False, True])
def test_a_threads_rows_carry_each_comments_own_moderation_texts_and_author(alice, bob, make_member, article, post,
                                                                             roots):
    """The rows read the three moderation texts as one value (sql.THREAD_ROWS) and the authors
    apart (sql.AUTHORS): each comment gets its own texts back exactly, and none of another's."""
    carol = make_member("carol")
    post(carol, article, "before")  # a comment of another author first
    plain = post(alice, article, "plain")
    marked = post(bob, article, "marked", parent=plain)
    texts = ('quote " and \\ backslash\n\ttab \x01', "Примечание модератора \u2028 ✓", "spam")
    Comment.objects.filter(pk=marked.pk).update(moderation_reason=texts[0], moderator_note=texts[1],
                                                removal_category=texts[2])
    only_note = post(alice, article, "only a note")
    Comment.objects.filter(pk=only_note.pk).update(moderator_note="x")
    top = [plain.pk, only_note.pk] if roots else None
    rows = {c.pk: c for c in threads.load_comments(article.pk, roots=top)}
    assert set(rows) == ({plain.pk, marked.pk, only_note.pk} if roots else
                         set(Comment.objects.filter(article=article).values_list("pk", flat=True)))
    assert (rows[marked.pk].moderation_reason, rows[marked.pk].moderator_note, rows[marked.pk].removal_category) == texts
    assert (rows[only_note.pk].moderation_reason, rows[only_note.pk].moderator_note,
            rows[only_note.pk].removal_category) == ("", "x", "")
    assert (rows[plain.pk].moderation_reason, rows[plain.pk].moderator_note, rows[plain.pk].removal_category) == ("", "", "")
    for c in rows.values():
        assert c.article_id == article.pk
        assert c.author.pk == c.author_id and c.author.login == Comment.objects.get(pk=c.pk).author.login
    assert rows[marked.pk].author.login == bob.login and rows[plain.pk].author is rows[only_note.pk].author


def test_a_thread_drawn_for_its_author_first_lends_nothing_to_the_public_render(alice, bob, article, post):
    """The fragments a viewer's own thread leaves (a removal's reason for its author, their
    comment held) are keyed apart from the public thread's: rendered cold for the author first,
    in another language too, the public render that follows says only what one from nothing
    says, in its own language."""
    from django.utils import translation

    from core.cache import memo_later

    first = post(alice, article, "First words")
    removed = post(alice, article, "A rude word")  # numbered 2 in both threads: the held one comes after
    held = post(alice, article, "Awaiting a moderator")
    actions.do_set_status(removed, Comment.Status.REMOVED, "Words that hurt no one kept", category="spam")
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.HELD)
    memo_later.flush()

    def public() -> str:
        return render.render_thread(threads.build(threads.load_comments(article.pk)))

    memo.forget_all()
    fresh = public()
    memo_later.flush()
    memo.forget_all()
    for language in ("ru", "en"):
        with translation.override(language):
            mine = threads.build(threads.load_comments(article.pk), viewer_id=alice.pk)
            own = render.render_thread(mine, frozenset({held.pk}), frozenset({removed.pk}))
            assert "Words that hurt no one kept" in own and "held-mark" in own
    memo_later.flush()
    assert public() == fresh
    assert "Words that hurt no one kept" not in fresh and "Awaiting a moderator" not in fresh
    assert "held-mark" not in fresh and first.body_html in fresh
