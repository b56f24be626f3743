"""A thread after votes is patched from the one this process drew before them
(discussion.patching), and is the thread drawn from nothing — for every chain of votes, every
language, whole and paged; and anything but a vote, a rolled-back vote, a batch or the order by
votes draws it from nothing again."""

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import translation

from curation import actions as curation_actions
from discussion import actions, page, patching, render, threads
from discussion.models import Comment
from moderation import actions as moderation_actions
from newsroom import versions
from newsroom.models import Article

# Records are written when a vote's transaction commits: these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def draws(monkeypatch):
    """How many times a thread was drawn from its rows (page._drawn), this test."""
    made: list[int] = []
    real = page._drawn

    def counted(*args, **kwargs):
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(page, "_drawn", counted)
    return made


@pytest.fixture
def thread(article, post, make_member):
    """Comments of four members, nested three deep, with a placeholder and a removed one."""
    m = [make_member(f"member{i}") for i in range(4)]
    first = post(m[0], article, "The first words")
    reply = post(m[1], article, "A reply", parent=first)
    deeper = post(m[2], article, "Deeper still", parent=reply)
    second = post(m[3], article, "A second thread")
    gone = post(m[1], article, "Words taken back")
    post(m[2], article, "It had a reply", parent=gone)
    actions.delete_comment(m[1], gone)  # a placeholder: it keeps its reply
    third = post(m[0], article, "The third thread")
    return {"members": m, "first": first, "reply": reply, "deeper": deeper, "second": second, "third": third}


def _shown(article_id: int, order: str = "oldest", number: int = 1) -> tuple:
    """The thread's shared parts as a page takes them, its slots filled alike every time and
    each member's differently (a rating of their own, every other one online), so a slot put
    in another's place shows."""
    article = Article.objects.get(pk=article_id)
    parts, *rest = page.shared_parts(article, order, number)
    members = sorted(parts.members)
    online = dict.fromkeys(members[::2], 4000000000.0)
    return parts.fill("TOKEN", online, {m: m * 7 - 50 for m in members}), tuple(rest)


def _from_nothing(article_id: int, order: str = "oldest", number: int = 1) -> tuple:
    page.clear_caches()
    return _shown(article_id, order, number)


def _counts(html: bytes, comment) -> tuple[str, str]:
    li = html.split(f'<li id="c{comment.pk}"'.encode(), 1)[1].split(b"<li", 1)[0].decode()
    plus = li.split('class="plus" name="value" value="1">', 1)[1].split("<", 1)[0]
    minus = li.split('class="minus" name="value" value="-1">', 1)[1].split("<", 1)[0]
    return plus, minus


def test_a_vote_patches_the_thread_drawn_before_it_into_the_thread_from_nothing(article, thread, draws):
    m = thread["members"]
    before = _shown(article.pk)
    assert len(draws) == 1
    actions.vote(m[1], thread["first"], 1)
    patched = _shown(article.pk)
    assert len(draws) == 1  # not drawn again
    assert _counts(patched[0], thread["first"]) == ("+1", "&#8722;0")
    assert patched != before
    # Only the voted comment's counts moved: every other comment's markup is as it was.
    assert patched[0].replace(b'value="1">+1</button>', b'value="1">+0</button>', 1) == before[0]
    assert patched == _from_nothing(article.pk)
    # The structured data's counts too (page._public_rows).
    rows = {row[0]: row for row in patched[1][4]}
    assert rows[thread["first"].pk][4:] == (1, 0) and rows[thread["second"].pk][4:] == (0, 0)


def test_votes_one_after_another_and_several_between_two_pages(article, thread, draws):
    m = thread["members"]
    _shown(article.pk)
    actions.vote(m[1], thread["first"], 1)
    actions.vote(m[2], thread["first"], -1)
    actions.vote(m[0], thread["deeper"], -1)  # a reply two deep
    actions.vote(m[1], thread["first"], 0)  # taken back
    actions.vote(m[3], thread["third"], 1)
    patched = _shown(article.pk)
    assert len(draws) == 1
    assert _counts(patched[0], thread["first"]) == ("+0", "&#8722;1")
    assert _counts(patched[0], thread["deeper"]) == ("+0", "&#8722;1")
    assert _counts(patched[0], thread["third"]) == ("+1", "&#8722;0")
    actions.vote(m[0], thread["reply"], 1)  # and on from the patched thread
    again = _shown(article.pk)
    assert len(draws) == 1
    assert again == _from_nothing(article.pk)


def test_more_votes_than_it_looks_back_draw_the_thread_from_nothing(article, thread, draws):
    _shown(article.pk)
    voters = thread["members"][1:]
    for i in range(patching.BEHIND + 1):  # each a change: 1, then −1, then 1 … per voter
        actions.vote(voters[i % 3], thread["first"], 1 if (i // 3) % 2 == 0 else -1)
    shown = _shown(article.pk)
    assert len(draws) == 2
    assert shown == _from_nothing(article.pk)


CHANGES = {
    "new comment": lambda t, a, mod: actions.post_comment(t["members"][1], a, "News"),
    "text": lambda t, a, mod: actions.edit_comment(t["members"][0], t["first"], "The first words, mended"),
    "status": lambda t, a, mod: moderation_actions.hide(mod, t["second"], "spam"),
    "byline": lambda t, a, mod: actions.author_changed(t["members"][0].pk),
    "curation": lambda t, a, mod: curation_actions.pick(mod, t["second"]),
    "order": lambda t, a, mod: actions.delete_comment(t["members"][0], t["third"]),
}


@pytest.mark.parametrize("kind", list(CHANGES))
def test_any_other_change_among_the_votes_draws_the_thread_from_nothing(kind, article, thread, moderator, draws):
    m = thread["members"]
    _shown(article.pk)
    actions.vote(m[1], thread["first"], 1)
    CHANGES[kind](thread, article, moderator)
    actions.vote(m[2], thread["first"], 1)
    shown = _shown(article.pk)
    assert len(draws) == 2
    assert shown == _from_nothing(article.pk)


def test_the_order_by_votes_is_drawn_again_after_a_vote(article, thread, draws):
    _shown(article.pk, "best")
    actions.vote(thread["members"][1], thread["second"], 1)  # second may now come first
    shown = _shown(article.pk, "best")
    assert len(draws) == 2
    assert shown == _from_nothing(article.pk, "best")
    _shown(article.pk, "newest")
    assert len(draws) == 4
    actions.vote(thread["members"][2], thread["second"], 1)
    newest = _shown(article.pk, "newest")
    assert len(draws) == 4  # the newest first: patched
    assert newest == _from_nothing(article.pk, "newest")


def test_a_record_says_the_version_its_vote_raised_and_a_rolled_back_vote_records_nothing(article, thread):
    m = thread["members"]
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.vote(m[1], thread["first"], 1)
        raise RuntimeError("rolled back")
    assert not patching._votes.data
    actions.vote(m[1], thread["first"], 1)
    version = Article.objects.get(pk=article.pk).thread_version
    assert {k[1:]: v[0] for k, v in patching._votes.data.items()} == {(article.pk, version): (thread["first"].pk, 1, 0)}


def test_two_votes_in_one_transaction_each_record_their_version(article, thread, draws):
    m = thread["members"]
    _shown(article.pk)
    before = Article.objects.get(pk=article.pk).thread_version
    with transaction.atomic():
        actions.vote(m[1], thread["first"], 1)
        actions.vote(m[0], thread["second"], -1)
    assert {k[2] for k in patching._votes.data} == {before + 1, before + 2}
    shown = _shown(article.pk)
    assert len(draws) == 1
    assert shown == _from_nothing(article.pk)


def test_votes_in_a_batch_record_nothing(article, thread, draws):
    _shown(article.pk)
    with transaction.atomic(), versions.one_change():
        actions.vote(thread["members"][1], thread["first"], 1)
    assert not patching._votes.data
    shown = _shown(article.pk)
    assert len(draws) == 2
    assert _counts(shown[0], thread["first"]) == ("+1", "&#8722;0")


def test_each_language_patches_its_own_thread(article, thread, draws):
    for code in ("ru", "en"):
        with translation.override(code):
            _shown(article.pk)
    actions.vote(thread["members"][1], thread["first"], 1)
    shown = {}
    for code in ("ru", "en"):
        with translation.override(code):
            shown[code] = _shown(article.pk)
    assert len(draws) == 2  # each language drawn once, before the vote
    assert "Ответить".encode() in shown["ru"][0] and b">Reply<" not in shown["ru"][0]
    for code in ("ru", "en"):
        with translation.override(code):
            assert shown[code] == _from_nothing(article.pk)


def test_a_page_of_a_long_discussion_is_patched_and_a_page_without_the_comment_kept(monkeypatch, article, post,
                                                                                    make_member, draws):
    monkeypatch.setattr(threads, "WHOLE_LIMIT", 5)
    monkeypatch.setattr(threads, "PAGE_ROOTS", 2)
    m = [make_member(f"p{i}") for i in range(3)]
    roots = [post(m[i % 2], article, f"root {i}") for i in range(6)]
    post(m[2], article, "a reply on page two", parent=roots[2])
    assert page.paged(Article.objects.get(pk=article.pk))
    one, two = _shown(article.pk, number=1), _shown(article.pk, number=2)
    actions.vote(m[2], roots[3], 1)  # on page two
    assert _shown(article.pk, number=1) == one  # page one shows nothing of it
    two_after = _shown(article.pk, number=2)
    assert len(draws) == 2
    assert two_after != two and _counts(two_after[0], roots[3]) == ("+1", "&#8722;0")
    assert _from_nothing(article.pk, number=2) == two_after
    assert _from_nothing(article.pk, number=1) == one


def test_records_reach_the_other_processes_through_the_shared_cache(article, thread, draws):
    _shown(article.pk)
    actions.vote(thread["members"][1], thread["first"], 1)
    from core.cache import later

    later.flush()
    patching._votes.clear()  # as in another process: the vote was not cast here
    shown = _shown(article.pk)
    if settings.REDIS_URL:
        assert len(draws) == 1  # the record read from the shared cache
    else:
        assert len(draws) == 2  # embedded: one process, nothing to read it from
    assert shown == _from_nothing(article.pk)


# --- Split.patched ------------------------------------------------------------------------------

def _split_of(article_id: int) -> render.Split:
    return page.shared_parts(Article.objects.get(pk=article_id), "oldest", 1)[0]


def _node(article_id: int, comment) -> threads.Node:
    nodes = threads.build(threads.load_comments(article_id), "oldest")
    return next(n for n in nodes if n.comment.pk == comment.pk)


def test_a_split_is_patched_only_where_the_old_markup_is_found_whole_slot_for_slot(article, thread):
    split = _split_of(article.pk)
    node = _node(article.pk, thread["reply"])
    old = render.render_comment(node).encode()
    moved = threads.Node(node.comment.with_counts(7, 3), node.index, node.parent, node.depth)
    new = render.render_comment(moved).encode()
    patched = split.patched(old, new)
    assert patched is not None and patched.size == split.size + len(new) - len(old)
    filled = patched.fill("T", {}, {})
    assert _counts(filled, thread["reply"]) == ("+7", "&#8722;3")
    assert filled.count(b'value="1">+7</button>') == 1
    assert split.fill("T", {}, {}).count(b'value="1">+7</button>') == 0  # the kept one untouched
    # Not there whole: text changed, another comment's markup, slots of another member.
    assert split.patched(old.replace(b"A reply", b"A rePly"), new) is None
    other = render.render_comment(_node(article.pk, thread["second"])).encode()
    assert split.patched(other.replace(f'"c{thread["second"].pk}"'.encode(), f'"c{thread["reply"].pk}"'.encode()),
                         new) is None
    member = thread["members"][1].pk
    other_slot = (f"p{member}".encode(), f"p{member + 100}".encode())
    assert split.patched(old, new.replace(*other_slot)) is None
    assert split.patched(old.replace(*other_slot), new.replace(*other_slot)) is None  # not the thread's slot
    assert split.patched(b'<li id="c999999" class="comment">', b'<li id="c999999" class="comment">') is None


def test_a_comment_not_shown_in_a_whole_thread_draws_it_from_nothing(article, thread, draws):
    import dataclasses

    _shown(article.pk)
    key = (article.pk, "oldest", 1, translation.get_language())
    drawn = patching._drawn.get(key)
    assert drawn is not None
    hidden = thread["third"].pk
    patching._drawn.put(key, dataclasses.replace(drawn, nodes={k: n for k, n in drawn.nodes.items() if k != hidden}))
    actions.vote(thread["members"][1], Comment.objects.get(pk=hidden), 1)
    assert _shown(article.pk) == _from_nothing(article.pk)
    assert len(draws) == 3  # drawn again, then from nothing


def test_records_of_votes_a_restarted_database_lost_are_not_read(monkeypatch, article, thread, moderator, draws):
    """A vote commits without waiting for the disk: a crash may lose it, and its version is
    given again to the next change. The record it left is under the database's old identity."""
    _shown(article.pk)
    version = Article.objects.get(pk=article.pk).thread_version
    lost = (thread["first"].pk, 5, 0)  # a vote the crash took: its record survived
    patching._votes.put((patching._epoch[0], article.pk, version + 1), lost)
    monkeypatch.setattr(patching, "_epoch", ["restarted"])  # as read by its new connection
    moderation_actions.hide(moderator, thread["second"], "spam")  # takes the lost vote's version
    actions.vote(thread["members"][1], thread["first"], 1)
    assert Article.objects.get(pk=article.pk).thread_version == version + 2
    shown = _shown(article.pk)
    assert len(draws) == 2 and b"A second thread" not in shown[0]
    assert shown == _from_nothing(article.pk)


class _Replicas:
    """core.dbrouter as discussion.page sees it, with a read replica configured."""

    @staticmethod
    def reads_may_lag() -> bool:
        return True


def test_with_replicas_a_drawing_is_kept_only_from_rows_no_older_than_its_version(monkeypatch, article, thread):
    from django.db import connection

    monkeypatch.setattr(page, "dbrouter", _Replicas)
    language = translation.get_language()
    behind = Article.objects.get(pk=article.pk)
    behind.thread_version += 1  # the article read from a replica ahead of the rows' database
    page.shared_parts(behind, "oldest", 1)
    assert patching._drawn.get((article.pk, "oldest", 1, language)) is None
    page.clear_caches()
    page.shared_parts(Article.objects.get(pk=article.pk), "oldest", 1)
    kept = patching._drawn.get((article.pk, "oldest", 1, language))
    # The version is read with the rows where they are read together (PostgreSQL); elsewhere
    # it cannot be, and nothing is kept.
    assert (kept is not None) == (connection.vendor == "postgresql")


def test_with_replicas_a_page_of_a_long_discussion_is_not_kept(monkeypatch, article, post, make_member):
    monkeypatch.setattr(threads, "WHOLE_LIMIT", 2)
    monkeypatch.setattr(threads, "PAGE_ROOTS", 1)
    monkeypatch.setattr(page, "dbrouter", _Replicas)
    for i in range(3):
        post(make_member(f"r{i}"), article, f"root {i}")
    page.shared_parts(Article.objects.get(pk=article.pk), "oldest", 1)
    assert not patching._drawn.data


def test_an_import_s_votes_record_nothing(article, thread):
    from discussion import live

    with live.quiet():
        actions.vote(thread["members"][1], thread["first"], 1)
    assert not patching._votes.data
