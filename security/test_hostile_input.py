"""Every hostile string from the corpora, through every way in and every way out."""

import json

import pytest
from django.test import Client

from core.markup import render_comment, sanitise_comment
from discussion import actions
from discussion.models import Comment
from moderation import actions as moderation_actions
from security.hostile import COMMENT_TAGS, naughty_strings, problems, xss_payloads


@pytest.fixture(scope="module")
def payloads():
    return xss_payloads() + naughty_strings()


def test_the_corpora_are_big(payloads):
    assert len(payloads) > 2500


def test_rendered_comments_stay_in_the_allow_list_and_sanitising_is_idempotent(payloads):
    for p in payloads:
        html = render_comment(p[:10_000], lambda ref: ("/x#" + ref, "someone wrote:"))
        assert problems(html, COMMENT_TAGS) == [], p
        assert sanitise_comment(html) == html, p
        assert sanitise_comment(sanitise_comment(p)) == sanitise_comment(p), p


def _post_all(payloads, author, article):
    made = []
    for p in payloads:
        try:
            made.append(actions.do_post(author, article, actions.check_post(author, article, p)))
        except Exception as exc:  # only empty-after-trim and too-long strings may be refused
            assert getattr(exc, "code", None) in ("empty", "too_long"), (p, exc)
    return made


def test_payloads_as_comments_edits_and_moderator_edits_render_inert(payloads, make_member, article, moderator,
                                                                      client):
    author = make_member("xss author")
    made = _post_all(payloads, author, article)
    assert len(made) > 2000
    for c, p in zip(made[::7], payloads[3::7], strict=False):
        actions.do_edit(author, c, p)
    for c, p in zip(made[1::11], payloads[5::11], strict=False):
        moderation_actions.edit(moderator, c, p or "x", note=p[:200] or "note")
    page = client.get(article.get_absolute_url()).content.decode()
    assert problems(page) == []
    for c in Comment.objects.filter(article=article):
        assert problems(c.body_html, COMMENT_TAGS) == [], c.body
    # The JSON API carries the same sanitised HTML.
    data = client.get(f"/api/v1/articles/{article.slug}/comments/").json()
    stack = list(data["comments"])
    while stack:
        node = stack.pop()
        assert problems(node["body_html"], COMMENT_TAGS) == []
        stack.extend(node["children"])
    # The live stream sends the fragment the page renders.
    from discussion import live as discussion_live
    for c in made[:200]:
        node = discussion_live.node_for(c)
        assert problems(discussion_live._public_html(node)) == []


def test_payloads_as_real_names_reports_and_profiles(payloads, make_member, article, moderator, post):
    from accounts.actions import do_update_profile

    victim = make_member("victim")
    target = post(victim, article, "report me")
    names = payloads[:400]
    for i, p in enumerate(names):
        m = make_member(f"name{i}", real_name=p[:64])
        do_update_profile(m, real_name=p[:64], about=p[:2000], email="")
        post(m, article, "hello")
        moderation_actions.report(m, target, "other", p[:1000] or "x")
    client = Client()
    page = client.get(article.get_absolute_url()).content.decode()
    assert problems(page) == []
    for i in range(0, len(names), 37):
        assert problems(client.get(f"/members/name{i}/").content.decode()) == []
    client.force_login(moderator)
    assert problems(client.get("/moderation/").content.decode()) == []
    api = client.get(f"/api/v1/articles/{article.slug}/comments/").content.decode()
    json.loads(api)  # valid JSON whatever the names


def test_the_admin_escapes_member_text(payloads, make_member, article, post, admin_client):
    names = [p[:64] for p in payloads[:150]]
    for i, name in enumerate(names):
        m = make_member(f"adm{i}", real_name=name)
        post(m, article, name or "x")
    html = admin_client.get("/admin/accounts/member/?all=").content.decode()
    for name in names:
        if "<" in name:
            assert name not in html  # shown, but escaped
    for url in ("/admin/accounts/member/", "/admin/discussion/comment/"):
        html = admin_client.get(url).content.decode()
        found = [p for p in problems(html) if not p.startswith("forbidden tag <svg>")]  # the admin's icons
        assert found == [], url


def test_feeds_escape_titles(make_article, client, payloads):
    for p in payloads[:50]:
        make_article(title=p[:240] or "x", lead=p)
    feed = client.get("/feed/")
    assert feed.status_code == 200
    import xml.dom.minidom

    xml.dom.minidom.parseString(feed.content)  # well-formed: nothing broke out of its element


def test_emails_carry_logins_as_plain_text(client, make_member):
    from django.core import mail

    make_member("Plain-Login", email="p@example.org")
    client.post("/password-reset/", {"email": "p@example.org"})
    message = mail.outbox[0]
    assert message.content_subtype == "plain" and "Plain-Login" in message.body


def test_payloads_as_searches_and_as_the_text_searched(payloads, make_member, article, moderator):
    """Every hostile string as a query (and a filter) of the public and the moderators'
    search: an answer, never a server error; and as comments and an article found by a search,
    their snippets stay text (search.words escapes them; ts_headline's output too)."""
    from newsroom.actions import do_save_article

    author = make_member("searched author")
    made = _post_all(payloads[::5], author, article)
    assert len(made) > 400
    article.lead, article.body = payloads[7][:500], "\n\n".join(payloads[:60])
    do_save_article(article)
    client = Client()
    client.raise_request_exception = False
    mod = Client()
    mod.raise_request_exception = False
    mod.force_login(moderator)
    for i, p in enumerate(payloads[::8]):
        if "\x00" in p:
            continue  # refused before any view (core.middleware), tested in test_nul_and_slots
        r = client.get("/search/", {"q": p, "kind": ("all", "comments", "articles")[i % 3]})
        assert r.status_code == 200, (p, r.status_code)
        assert problems(r.content.decode()) == [], p
        if i % 5 == 0:
            r = client.get("/search/", {"q": "x", "author": p[:200], "section": p[:80], "from": p[:20]})
            assert r.status_code == 200, (p, r.status_code)
            r = mod.get("/moderation/search/", {"q": p, "status": p[:10]})
            assert r.status_code == 200 and problems(r.content.decode()) == [], (p, r.status_code)
    # Words of the hostile comments, searched: the snippets show them escaped.
    for q in ("script", "alert", "img onerror", "javascript", "svg onload", "iframe"):
        for page in (client.get("/search/", {"q": q}).content.decode(),
                     mod.get("/moderation/search/", {"q": q}).content.decode()):
            assert problems(page) == [], q
    assert "<mark>" in client.get("/search/", {"q": "alert"}).content.decode()
