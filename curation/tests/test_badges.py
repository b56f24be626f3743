"""Badges on comments: the article's author, staff (editors), moderators — and none for
anyone else; a role given later reaches pages already cached."""

import re

import pytest
from django.test import Client

from conftest import role
from newsroom.models import Author


def _page(article, member=None) -> str:
    c = Client()
    if member is not None:
        c.force_login(member)
    return c.get(article.get_absolute_url()).content.decode()


def _badges_of(html: str, comment) -> list[str]:
    li = html.split(f'id="c{comment.pk}"')[1].split("</header>")[0]
    return re.findall(r'class="badge b-(\w+)" title="[^"]+"', li)


def test_each_role_is_marked_and_explained(article, post, editor, moderator, make_member, bob):
    writer = make_member("writer")
    article.author = Author.objects.create(name="A. Writer", slug="writer", member=writer)
    article.save()
    by = {m: post(m, article, f"from {m.login}") for m in (editor, moderator, writer, bob)}
    for viewer in (None, bob, editor):
        html = _page(article, viewer)
        assert _badges_of(html, by[editor]) == ["staff"]
        assert _badges_of(html, by[moderator]) == ["moderator"]
        assert _badges_of(html, by[writer]) == ["author"]
        assert _badges_of(html, by[bob]) == []
    assert 'title="A moderator of the discussion"' in html
    rules = Client().get("/rules/").content.decode()
    assert "A moderator of the discussion" in rules and "The author of this article" in rules
    assert "Editors’ pick" in rules


def test_a_role_given_later_reaches_the_cached_page(article, post, bob, make_member):
    said = post(bob, article, "words")
    assert _badges_of(_page(article), said) == []
    bob.groups.add(role("Moderators"))
    assert _badges_of(_page(article), said) == ["moderator"]
    bob.groups.remove(role("Moderators"))
    assert _badges_of(_page(article), said) == []


@pytest.mark.parametrize("status", ["held", "removed"])
def test_a_hidden_comment_shows_no_badge_to_readers(status, article, post, moderator, bob):
    from discussion import actions

    said = post(moderator, article, "a moderator's comment")
    actions.do_set_status(said, status)
    assert f'id="c{said.pk}"' not in _page(article, bob) or _badges_of(_page(article, bob), said) == []


def test_a_new_comments_live_markup_and_answer_carry_what_a_render_from_nothing_shows(
        article, editor, moderator, make_member, bob, monkeypatch):
    """A comment just posted is drawn with its author's badges and rank alone (it cannot be
    picked yet): the poster's answer and the live event say what the page then shows."""
    from core.memo import forget_all
    from curation.models import Rank, Standing
    from discussion import live as discussion_live

    writer = make_member("writer")
    both = make_member("both")  # wrote the article and moderates
    both.groups.add(role("Moderators"))
    article.author = Author.objects.create(name="A. Writer", slug="writer", member=both)
    article.save()
    veteran = Rank.objects.create(name="Veteran")
    Standing.objects.create(member=bob, rank=veteran)
    sent: list = []
    monkeypatch.setattr(discussion_live, "publish_on_commit", sent.append)
    expected = {editor: ["staff"], moderator: ["moderator"], writer: [], both: ["author", "moderator"], bob: []}
    answers = {}
    for member in expected:
        c = Client()
        c.force_login(member)
        r = c.post(f"/articles/{article.slug}/comments/", {"body": f"from {member.login}"},
                   HTTP_ACCEPT="application/json")
        assert r.status_code == 201
        answers[member] = r.json()
    forget_all()
    page = _page(article)
    events = {e.build()["author"]: e.build() for e in sent if e["type"] == "comment.new"}
    for member, badges in expected.items():
        comment = type("C", (), {"pk": answers[member]["id"]})
        for html in (page, answers[member]["html"], events[member.pk]["html"]):
            assert _badges_of(html, comment) == badges, member.login
            has_rank = ' data-rank="' in html.split(f'id="c{comment.pk}"')[1].split("</header>")[0]
            assert has_rank == (member == bob), member.login


def test_a_picked_comment_restored_comes_back_live_with_its_pick(article, editor, moderator, bob, monkeypatch):
    from curation import actions as curation_actions
    from discussion import actions
    from discussion import live as discussion_live
    from moderation import actions as moderation_actions

    said = actions.post_comment(bob, article, "worth a pick")
    curation_actions.pick(editor, said)
    moderation_actions.hide(moderator, said, "spam")
    sent: list = []
    monkeypatch.setattr(discussion_live, "publish_on_commit", sent.append)
    moderation_actions.restore(moderator, said)
    [event] = [e.build() for e in sent if e["type"] == "comment.new"]
    assert 'class="pick-mark"' in event["html"]
    assert 'class="pick-mark"' in _page(article).split(f'id="c{said.pk}"')[1].split("</header>")[0]
