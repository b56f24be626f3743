"""The machinery every converter shares: thread order, bodies, members, live events."""

from datetime import UTC, datetime, timedelta

import pytest

import live.events
from discussion.models import BODY_MAX, Comment
from imports import common, disqus
from imports.common import EMPTY_BODY, Run, Summary, order_thread, prepare_body, short_key
from imports.records import SourceComment, person
from imports.tests.helpers import disqus_xml

T0 = datetime(2020, 1, 1, tzinfo=UTC)


def _c(cid, parent=None, minutes=0, who="Anna"):
    return SourceComment(cid, parent, person(name=who), T0 + timedelta(minutes=minutes), "text")


def test_parents_come_first_otherwise_oldest_first():
    comments = [_c("reply", "root", minutes=1), _c("late", minutes=5), _c("root", minutes=3),
                _c("early-reply-to-late", "late", minutes=0)]
    ordered = order_thread(comments, Summary())
    assert [c.id for c, _ in ordered] == ["root", "reply", "late", "early-reply-to-late"]
    assert not any(orphan for _, orphan in ordered)


def test_orphans_loops_and_duplicates():
    summary = Summary()
    comments = [_c("a", "b", 1), _c("b", "a", 2), _c("o", "missing", 3), _c("s", "s", 4), _c("o", None, 5)]
    ordered = order_thread(comments, summary)
    assert [c.id for c, _ in ordered] == ["o", "s", "a", "b"]  # a loop is broken last
    assert {c.id for c, orphan in ordered if orphan} == {"a", "o", "s"}
    assert summary.orphans == 3 and summary.skipped == 1


def test_bodies_are_never_empty_never_too_long_and_never_forge_quotes():
    summary = Summary()
    assert prepare_body("  \u200b \n", summary) == EMPTY_BODY and summary.empty == 1
    long = prepare_body("x" * (BODY_MAX + 5), summary)
    assert len(long) <= BODY_MAX and long.endswith("[…]") and summary.truncated == 1
    assert prepare_body("> [quote=c12]\n> hi", summary) == "> `[quote=c12]`\n> hi"
    assert prepare_body("a\r\nb\x00", summary) == "a\nb"


def test_short_keys_are_stable_and_unambiguous():
    assert short_key("1234") == "1234"
    url = "https://example.org/a:b"
    assert short_key(url) == short_key(url) != url and ":" not in short_key(url)
    assert len(short_key("x" * 500)) < 30


def test_one_person_per_id_email_or_name(db):
    run = Run("test")
    with_id = run.member(person(source_id="7", email="t@example.org", name="Tester"))
    # The same name and email without the id (WordPress omits user_id at times): the same.
    assert run.member(person(email="t@example.org", name="Tester")) == with_id
    other = Run("test")
    assert other.member(person(source_id="7", name="Tester")) == with_id  # the id decides
    # A guest typing Tester's email under another name does not become Tester.
    assert other.member(person(email="t@example.org", name="Impostor")) != with_id
    assert run.member(person(source_id="8", email="t@example.org", name="Tester")) != with_id
    assert run.member(person(name="Tester")) != with_id  # a name alone proves nothing


def test_a_thread_sends_one_resync_instead_of_an_event_per_comment(
        db, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    path = tmp_path / "d.xml"
    path.write_text(disqus_xml([{"id": "t"}], [{"id": str(n), "thread": "t"} for n in range(5)]),
                    encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        disqus.load(path)
    sent = []
    monkeypatch.setattr(live.events, "_send", sent.append)
    for callback in callbacks:
        callback()
    assert sent == [{"type": "resync", "article": Comment.objects.first().article_id}]


def test_members_of_a_failed_thread_are_not_reused(db, tmp_path, monkeypatch):
    path = tmp_path / "d.xml"
    path.write_text(disqus_xml([{"id": "t"}], [{"id": "1", "thread": "t", "name": "Solo"}]), encoding="utf-8")
    original = common.discussion_actions.BulkPost.finish
    monkeypatch.setattr(common.discussion_actions.BulkPost, "finish", lambda self: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        disqus.load(path)
    assert not Comment.objects.exists()
    monkeypatch.setattr(common.discussion_actions.BulkPost, "finish", original)
    disqus.load(path)
    assert Comment.objects.get().author.login == "Solo"


def test_quote_slots_link_comments_written_before_else_fall_back(db, make_article):
    from discussion.models import Quote

    article = make_article()
    slot = common.QUOTE_SLOT
    comments = [
        SourceComment("1", None, person(name="Anna"), T0, "Bridges are late."),
        SourceComment("2", None, person(name="Boris"), T0 + timedelta(minutes=1),
                      f"> {slot}\n> Bridges are late.\n\n> {slot}\n> Never said\n\n> {slot}\n> Nameless\n\nTrue.",
                      quotes=(("1", ""), ("404", "**Vera** wrote:"), (None, ""))),
        # A slot in a body without quotes (any other importer's text) is left as it is.
        SourceComment("3", None, person(name="Anna"), T0 + timedelta(minutes=2), f"odd {slot} char"),
    ]
    common.write_thread(Run("test"), "t", article, comments)
    first, second, third = Comment.objects.order_by("id")
    assert second.body == (f"> [quote=c{first.pk}]\n> Bridges are late.\n\n> **Vera** wrote:\n"
                           "> Never said\n\n> Nameless\n\nTrue.")
    assert [q.source_comment for q in Quote.objects.filter(comment=second)] == [first]
    assert third.body == f"odd {slot} char"
