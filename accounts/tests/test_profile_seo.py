"""What a profile tells search engines: noindex unless its member chose to be found and it lists
a public comment (a deleted account's page always), a description in the reader's language
naming the count of public comments, a canonical address — and the settings page where the
member makes that choice, which the profile follows at its next request."""

import re
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import Member
from discussion.models import Comment
from newsroom.models import Article
from newsroom.tests.seo_helpers import read

MARCH_2024 = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def found(alice):
    """alice, who lets search engines index her profile, a member since March 2024."""
    Member.objects.filter(pk=alice.pk).update(profile_indexable=True, date_joined=MARCH_2024)
    alice.refresh_from_db()
    return alice


def head(client, login="alice", **headers):
    r = client.get(f"/members/{login}/", **headers)
    return r, read(r.content.decode())


def test_a_member_who_did_not_choose_is_noindex_even_with_comments(client, alice, article, post):
    post(alice, article, "words")
    assert Member.objects.get(pk=alice.pk).profile_indexable is False  # the default
    r, page = head(client)
    assert r.status_code == 200
    assert page.one("robots") == "noindex"
    assert page.one("description")  # described all the same (a link preview reads it)


def test_a_member_who_chose_and_has_a_public_comment_is_indexable(client, found, article, post):
    post(found, article, "one")
    post(found, article, "two")
    r, page = head(client)
    assert r.status_code == 200
    assert "robots" not in page.meta
    assert page.one("description") == (f"alice (Alice Liddell) on {settings.VECHE_SITE_NAME}: "
                                       "2 comments since March 2024.")
    assert len(page.one("description")) < 160
    assert page.canonical == settings.VECHE_SITE_URL.rstrip("/") + "/members/alice/"
    assert page.one("og:type") == "profile"


def test_one_comment_is_said_in_the_singular(client, found, article, post):
    post(found, article, "only")
    _, page = head(client)
    assert ": 1 comment since March 2024." in page.one("description")


def test_a_member_who_chose_but_has_no_comment_is_noindex(client, found):
    r, page = head(client)
    assert r.status_code == 200
    assert page.one("robots") == "noindex"
    assert ": 0 comments since" in page.one("description")


def test_comments_no_reader_sees_do_not_make_a_profile_indexable(client, found, make_article, post):
    public = make_article(slug="public")
    for status in (Comment.Status.HELD, Comment.Status.REMOVED, Comment.Status.DELETED):
        c = post(found, public, f"status {status}")
        Comment.objects.filter(pk=c.pk).update(status=status)
    draft = make_article(slug="draft-one", state=Article.State.DRAFT)
    c = post(found, public, "on a draft")
    Comment.objects.filter(pk=c.pk).update(article=draft)
    _, page = head(client)
    assert page.one("robots") == "noindex"
    assert ": 0 comments since" in page.one("description")
    # One public comment among them is enough, and only it is counted.
    post(found, public, "public")
    _, page = head(client)
    assert "robots" not in page.meta
    assert ": 1 comment since" in page.one("description")


def test_a_deleted_account_is_noindex(client, found, article, post):
    post(found, article, "words")
    Member.objects.filter(pk=found.pk).update(is_deleted=True)
    r, page = head(client)
    assert r.status_code == 410
    assert page.one("robots") == "noindex"
    assert "description" not in page.meta


def test_the_description_is_escaped(client, make_member, article, post):
    odd = make_member("odd", real_name='Al "Bo" <i>&', profile_indexable=True)
    post(odd, article, "words")
    r, page = head(client, "odd")
    html = r.content.decode()
    assert "<i>&" not in html.split("</head>", 1)[0]
    assert page.one("description").startswith('odd (Al "Bo" <i>&) on ')


def test_a_russian_reader_gets_the_russian_description(client, found, article, post):
    for body in ("один", "два"):
        post(found, article, body)
    _, page = head(client, HTTP_ACCEPT_LANGUAGE="ru")
    assert page.one("description") == (f"alice (Alice Liddell) на сайте {settings.VECHE_SITE_NAME}: "
                                       "2 комментария с марта 2024.")
    post(found, article, "три")
    for body in ("4", "5"):
        post(found, article, body)
    _, page = head(client, HTTP_ACCEPT_LANGUAGE="ru")
    assert ": 5 комментариев с марта 2024." in page.one("description")


def ticked(member: Client) -> bool:
    """Whether the settings page shows the box ticked."""
    box = re.search(r'<input type="checkbox" name="profile_indexable"[^>]*>', member.get("/account/").content.decode())
    assert box, "no profile_indexable box on the settings page"
    return " checked" in box.group(0)


SETTINGS = {"real_name": "Alice Liddell", "about": "", "email": "alice@example.org", "language": ""}


def test_the_settings_page_saves_the_choice_and_the_profile_follows_at_once(alice, article, post):
    post(alice, article, "words")
    member = Client()
    member.force_login(alice)
    assert not ticked(member)
    assert head(member)[1].one("robots") == "noindex"

    r = member.post("/account/", {**SETTINGS, "profile_indexable": "on"})
    assert r.status_code == 302
    assert Member.objects.get(pk=alice.pk).profile_indexable is True
    assert "robots" not in head(member)[1].meta  # the member sees it at once…
    assert "robots" not in head(Client())[1].meta  # …and so does everyone else
    assert ticked(member)

    r = member.post("/account/", SETTINGS)  # an unticked box is not sent
    assert r.status_code == 302
    assert Member.objects.get(pk=alice.pk).profile_indexable is False
    assert head(member)[1].one("robots") == "noindex"
    assert head(Client())[1].one("robots") == "noindex"


def test_the_choice_refuses_nothing_else_and_changes_nothing_else(alice):
    member = Client()
    member.force_login(alice)
    r = member.post("/account/", {**SETTINGS, "real_name": "Alice P.", "about": "Hi", "profile_indexable": "on"})
    assert r.status_code == 302
    saved = Member.objects.get(pk=alice.pk)
    assert (saved.real_name, saved.about, saved.email, saved.profile_indexable) == (
        "Alice P.", "Hi", "alice@example.org", True)
    # Any value a browser may send for a ticked box is taken; a form without it is not refused.
    for value, expected in (("true", True), ("1", True), ("false", False), ("", False)):
        r = member.post("/account/", {**SETTINGS, "profile_indexable": value})
        assert r.status_code == 302, value
        assert Member.objects.get(pk=alice.pk).profile_indexable is expected, value
