"""The insight pages on a small known discussion: every figure checked against the data, the
text equivalents present, no held or removed comment's text anywhere, and who may look."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from conftest import role
from core.markup import article_paragraphs
from discussion.models import Comment

BODY = ("Alpha: the border is being demarcated.\n\n"
        "Beta: the talks were held on the spot.\n\n"
        "Gamma: peacekeepers stay where they are.\n\n"
        "Delta: details later.")
SPAM = "Buy cheap watches SPAMTEXT-7731"
HELD = "A held remark HELDTEXT-4420"
DELETED = "Second thoughts DELETEDTEXT-9912"


def quoting(anchor: str, text: str, words: str) -> str:
    return f"> [quote={anchor}]\n> {text}\n\n{words}"


@pytest.fixture
def known(make_article, make_member, post, moderator):
    """Four paragraphs; paragraph 2 quoted three times, its quoting comments answered three
    times; a chain five deep (depth 4); bob answers alice twice; one removal for spam, one
    held comment, one deleted; two reports (one open), votes."""
    from discussion import actions
    from moderation import actions as moderation

    article = make_article(title="Known discussion", body=BODY, slug="known")
    (p1, _t1), (p2, t2), *_rest = article_paragraphs(article.body_html)
    alice, bob = make_member("alice"), make_member("bob")
    carol, dave = make_member("carol"), make_member("dave")
    c1 = post(alice, article, quoting(p2, t2, "This paragraph is the news."))
    c2 = post(bob, article, quoting(p2, t2, "I read it otherwise."), parent=c1)
    c3 = post(carol, article, "Both of you are right.", parent=c2)
    c4 = post(alice, article, "Not quite.", parent=c3)
    c5 = post(bob, article, "Quite.", parent=c4)  # depth 4
    c6 = post(carol, article, quoting(p2, t2, "The key sentence."))
    post(dave, article, "Agreed.", parent=c6)
    post(dave, article, quoting(p1, "Alpha", "And this one."))
    spam = post(dave, article, SPAM)
    moderation.hide(moderator, spam, "spam")
    held = post(carol, article, HELD)
    actions.do_set_status(held, Comment.Status.HELD)
    gone = post(alice, article, DELETED)
    actions.delete_comment(alice, gone)
    for voter, comment, value in [(carol, c1, 1), (dave, c1, 1), (alice, c2, -1), (dave, c5, 1)]:
        actions.vote(voter, comment, value)
    moderation.report(dave, c5, "insult")
    report = moderation.report(carol, c2, "offtopic")
    moderation.approve(moderator, c2)
    assert report.pk
    article.refresh_from_db()
    return {"article": article, "p1": p1, "p2": p2, "members": (alice, bob, carol, dave), "c1": c1, "c5": c5}


def test_article_figures_match_the_data(known):
    from insight import figures

    f = figures.for_article(known["article"])
    assert f.statuses == {"visible": 8, "removed": 1, "held": 1, "deleted": 1}
    assert f.total == 11 and f.removed == 1
    assert f.removals == {"spam": 1}
    heat = {p.anchor: p for p in f.paragraphs}
    assert [p.anchor for p in f.paragraphs][:2] == [known["p1"], known["p2"]]
    assert (heat[known["p2"]].quotes, heat[known["p2"]].replies) == (3, 3)
    assert (heat[known["p1"]].quotes, heat[known["p1"]].replies) == (1, 0)
    assert heat[known["p2"]].level == figures.HEAT_LEVELS  # the most discussed is the darkest
    assert all(p.quotes == p.replies == p.level == 0 for p in f.paragraphs[2:])
    assert f.max_depth == 4 and f.depths == [6, 2, 1, 1, 1] and f.top_level == 6
    assert f.subthreads[0].root_id == known["c1"].pk and f.subthreads[0].replies == 4
    assert f.subthreads[0].depth == 4 and f.subthreads[0].login == "alice"
    assert ("bob", "alice", 2) in f.answers
    assert all(n == 1 for a, b, n in f.answers if (a, b) != ("bob", "alice"))
    assert sum(f.timeline.comments) == 10  # the held one is not yet part of the discussion
    assert (sum(f.timeline.plus), sum(f.timeline.minus)) == (3, 1)
    assert f.quarantined_votes == 0
    assert f.reports == {"insult": (1, 1), "offtopic": (1, 0)}
    assert sum(f.report_waits) == 1 and f.report_waits[0] == 1  # resolved within the hour
    assert f.held_waits == [1, 0, 0, 0, 0]
    assert f.brigades == {}


def test_site_figures_match_the_data(known):
    from insight import figures

    f = figures.for_site()
    assert f.total == 11 and f.comments[-1] == 11 and len(f.days) == figures.SITE_DAYS
    assert sum(f.removals) == 1 and f.removal_reasons == {"spam": 1}
    assert f.reports == {"insult": (1, 1), "offtopic": (1, 0)}
    assert f.held_waits[0] == 1
    assert f.top_articles == [("known", "Known discussion", 8)]


def _svgs(client, html: str) -> list[str]:
    """The page's pictures, each fetched from its address as a browser would."""
    out = []
    for src in re.findall(r'<img src="([^"]+)"', html):
        r = client.get(src)
        assert r.status_code == 200 and r["Content-Type"].startswith("image/svg+xml"), src
        out.append(r.content.decode())
    return out


def test_the_article_page_shows_pictures_tables_and_the_shaded_article(client, known, editor):
    client.force_login(editor)
    r = client.get(reverse("insight:article", args=["known"]))
    assert r.status_code == 200
    html = r.content.decode()
    assert html.count("<h1>") == 1
    svgs = _svgs(client, html)
    assert len(svgs) >= 7 and all(s.lstrip().startswith("<svg") for s in svgs)
    assert not any("<script src" in s or "http://kozea" in s.split("-->")[-1] for s in svgs)  # nothing fetched
    # Every picture has its words and its table.
    for img in re.findall(r"<img [^>]+>", html):
        assert re.search(r'alt="[^"]{20,}"', img), img
        assert re.search(r'width="760" height="\d+"', img), img  # no layout shift
    assert html.count("<table") >= 9
    # The heat map: paragraph 2 darkest, with its counts; paragraphs 3 and 4 unshaded.
    p2 = known["p2"]
    assert re.search(rf'<li class="heat-5" id="heat-{p2}"><p>Beta: the talks were held on the spot.</p>\s*'
                     r'<p class="heat-count">3 quotes, 3 replies to them</p>', html)
    assert '<li class="heat-0"' in html and "Gamma: peacekeepers stay where they are." in html
    # The table rows the figures give.
    assert re.search(r"<th scope=\"row\">removed: spam</th><td>1</td>", html)
    assert re.search(r"<th scope=\"row\">bob</th><td>alice</td><td>2</td>", html)
    assert re.search(r"<th scope=\"row\">4</th><td>1</td>", html)  # one comment at depth 4
    assert "The deepest reply is at depth 4." in html
    assert re.search(r"<th scope=\"row\">insult</th><td>1</td><td>1</td>", html)


def test_no_held_removed_or_deleted_text_on_any_insight_page(client, known, editor, make_member):
    admin = make_member("boss", is_staff=True, is_superuser=True)
    for who in (editor, admin):
        client.force_login(who)
        for url in (reverse("insight:article", args=["known"]), reverse("insight:site")):
            html = client.get(url).content.decode()
            page = html + "".join(_svgs(client, html))
            for secret in ("SPAMTEXT", "HELDTEXT", "DELETEDTEXT", "cheap watches", "held remark"):
                assert secret not in page, (url, secret)
            # Nor the text of any comment at all: counts only.
            for words in ("This paragraph is the news.", "I read it otherwise.", "Both of you are right."):
                assert words not in page


ROLES = ["anonymous", "member", "author", "moderator", "editor", "staff", "superuser"]
ALLOWED = {"editor", "staff", "superuser"}


def _login(client, who, known, make_member, moderator, editor):
    if who == "anonymous":
        return
    client.force_login({
        "member": lambda: make_member("reader"),
        "author": lambda: known["members"][0],  # alice wrote comments on it
        "moderator": lambda: moderator,
        "editor": lambda: editor,
        "staff": lambda: make_member("desk", is_staff=True),
        "superuser": lambda: make_member("root", is_staff=True, is_superuser=True),
    }[who]())


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("state", ["published", "draft"])
def test_who_may_see_the_insight_pages(client, known, make_member, moderator, editor, who, state):
    from newsroom.models import Article

    Article.objects.filter(pk=known["article"].pk).update(state=state)
    _login(client, who, known, make_member, moderator, editor)
    for url in (reverse("insight:site"), reverse("insight:article", args=["known"])):
        r = client.get(url)
        if who in ALLOWED:
            assert r.status_code == 200, url
            assert b"Insight" in r.content
        elif who == "anonymous":
            assert r.status_code == 302 and ("signin" in r["Location"] or "login" in r["Location"]), url
            assert b"bob" not in r.content
        else:
            assert r.status_code == 403, url
            assert b"bob" not in r.content and b"removed: spam" not in r.content


def test_a_missing_article_is_not_told_apart_for_members_but_404_for_editors(client, known, make_member, editor):
    url = reverse("insight:article", args=["no-such-article"])
    client.force_login(make_member("reader"))
    assert client.get(url).status_code == 403
    client.force_login(editor)
    assert client.get(url).status_code == 404


def test_a_moderator_granted_article_editing_sees_it(client, known, moderator):
    moderator.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(moderator)
    assert client.get(reverse("insight:site")).status_code == 200


def test_an_empty_discussion_renders_with_nothing_to_show(client, make_article, editor):
    make_article(slug="quiet", body="One paragraph.")
    client.force_login(editor)
    r = client.get(reverse("insight:article", args=["quiet"]))
    assert r.status_code == 200
    assert b"Nothing to show yet." in r.content
    assert client.get(reverse("insight:site")).status_code == 200


def test_the_page_follows_a_new_comment(client, known, editor, post):
    """The figures are kept per thread version: a new comment is counted at once."""
    client.force_login(editor)
    url = reverse("insight:article", args=["known"])
    assert "11 comments;" in client.get(url).content.decode()
    post(known["members"][3], known["article"], "One more.")
    assert "12 comments;" in client.get(url).content.decode()


def test_russian(known, editor):
    from insight import panels

    with translation.override("ru"):
        _f, sections = panels.article_panels(known["article"])
        titles = [p.title for ps in sections.values() for p in ps]
        assert "Кто кому отвечал" in titles
        removals = sections["time"][1]
        assert ["удалены: спам", "1", "9.1 %"] in removals.rows
        assert "Какие абзацы читатели цитировали и обсуждали" in titles and "Which paragraphs" not in " ".join(titles)
    assert role("Editors")


def test_every_insight_url_is_guarded(client, known, make_member, moderator):
    """Walked from the URL configuration, so a page added later is guarded or this fails."""
    from moderation.tests.test_guard import concrete, walk

    routes = [route.replace("<str:name>", "timeline") for ns, route, _p in walk() if ns == "insight"]
    found = [concrete(route, known["article"], known["c1"], known["members"][0]) for route in routes]
    assert len(found) == 4 and all(found)
    for who in (None, make_member("reader"), known["members"][0], moderator):
        if who is not None:
            client.force_login(who)
        for url in found:
            for method in ("get", "post", "head"):
                r = getattr(client, method)(url)
                assert r.status_code in ((302,) if who is None else (403,)) or (method == "post" and r.status_code == 405), \
                    (who, method, url, r.status_code)


def test_pictures_refuse_unknown_names_and_others(client, known, editor, make_member):
    client.force_login(editor)
    assert client.get(reverse("insight:article-chart", args=["known", "timeline"])).status_code == 200
    assert client.get(reverse("insight:site-chart", args=["site-timeline"])).status_code == 200
    for url in (reverse("insight:article-chart", args=["known", "nope"]),
                reverse("insight:article-chart", args=["known", "brigades"]),  # a table, no picture
                reverse("insight:article-chart", args=["no-such", "timeline"]),
                reverse("insight:site-chart", args=["timeline"])):  # the article's, not the site's
        assert client.get(url).status_code == 404, url
    client.force_login(make_member("reader"))
    r = client.get(reverse("insight:article-chart", args=["known", "answers"]))
    assert r.status_code == 403 and b"alice" not in r.content
