"""Profiles: the latest comments by time and only those every reader may see, the join date
of imported members, bylines that do not repeat themselves, deleted accounts said so."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts import actions, presence
from accounts.models import Member
from conftest import role
from discussion.models import Comment
from newsroom.models import Article

T0 = datetime(2020, 3, 1, 12, 0, tzinfo=UTC)


def _listed(html: str) -> list[str]:
    """The comment bodies of a profile's "Latest comments", in page order."""
    section = html.split("Latest comments", 1)[1]
    return re.findall(r'<div class="c-text" dir="auto"><p>(.*?)</p>', section)


def test_latest_comments_are_the_newest_written_first_whatever_their_ids(client, alice, article, post):
    made = [post(alice, article, body) for body in ("middle", "oldest", "newest")]
    # Written out of time order, as an import writes a later thread before an earlier one.
    for c, days in zip(made, (2, 1, 3), strict=True):
        Comment.objects.filter(pk=c.pk).update(created=T0 + timedelta(days=days))
    assert _listed(client.get("/members/alice/").content.decode()) == ["newest", "middle", "oldest"]


@pytest.fixture
def viewers(make_member, alice):
    """Every role that can look at alice's profile (None: a visitor)."""
    mod = make_member("mod")
    mod.groups.add(role("Moderators"))
    ed = make_member("ed")
    ed.groups.add(role("Editors"))
    return {"visitor": None, "member": make_member("reader"), "author": alice, "moderator": mod, "editor": ed}


def test_the_profile_lists_only_comments_every_reader_may_see(client, alice, make_article, post, viewers):
    public = make_article(slug="public")
    draft = make_article(slug="draft-one", state=Article.State.DRAFT)
    later = make_article(slug="later", state=Article.State.SCHEDULED,
                         published_at=timezone.now() + timedelta(days=2))
    post(alice, public, "shown to all")
    hidden = {}
    for status in (Comment.Status.HELD, Comment.Status.REMOVED, Comment.Status.DELETED):
        c = post(alice, public, f"status {status}")
        Comment.objects.filter(pk=c.pk).update(status=status)
        hidden[status] = f"status {status}"
    for art in (draft, later):
        c = post(alice, public, f"on {art.slug}")
        Comment.objects.filter(pk=c.pk).update(article=art)  # a comment on an article not out
        hidden[art.slug] = f"on {art.slug}"
    for name, viewer in viewers.items():
        browser = Client()
        if viewer is not None:
            browser.force_login(viewer)
        html = browser.get("/members/alice/").content.decode()
        assert _listed(html) == ["shown to all"], name
        for what, body in hidden.items():
            assert body not in html, (name, what)
        assert "draft-one" not in html and "/later/" not in html, name


def test_joined_is_no_later_than_the_first_comment(client, alice, article, post):
    """An imported member (created on the day of the import) shows the day of their first
    comment, not a "Joined" after it."""
    Member.objects.filter(pk=alice.pk).update(date_joined=T0 + timedelta(days=400))
    c = post(alice, article, "written long before the import")
    Comment.objects.filter(pk=c.pk).update(created=T0)
    html = client.get("/members/alice/").content.decode()
    assert '<dt>Joined</dt><dd><time datetime="2020-03-01' in html
    assert "2021" not in html.split("<dt>Joined</dt>", 1)[1].split("</dd>", 1)[0]


def test_imports_date_members_no_later_than_their_first_comment(db, article):
    from imports import common
    from imports.records import SourceComment, person

    anna = person(source_id="7", name="Anna", joined=T0 + timedelta(days=30))  # the source says later
    run = common.Run("test")
    common.write_thread(run, "late", article, [SourceComment("b", None, anna, T0 + timedelta(days=5), "later words")])
    member = Member.objects.get(login="Anna")
    assert member.date_joined == T0 + timedelta(days=5)
    common.write_thread(run, "early", article, [SourceComment("a", None, anna, T0, "first words")])
    member.refresh_from_db()
    assert member.date_joined == T0
    # A new person without a join date is created "now" and then dated by their comment.
    bo = person(source_id="8", name="Bo")
    common.write_thread(common.Run("test"), "bo", article, [SourceComment("c", None, bo, T0, "hi")])
    assert Member.objects.get(login="Bo").date_joined == T0


def test_the_seed_page_import_dates_members_by_their_first_comment(db, seed_path):
    from django.core.management import call_command

    call_command("import-page", str(seed_path), "--keep-open")
    for member in Member.objects.filter(is_imported=True):
        first = Comment.objects.filter(author=member).order_by("created").first()
        assert member.date_joined <= first.created, member.login


def test_a_real_name_equal_to_the_login_is_not_repeated(client, make_member, article, post):
    """"123 (123)" says the same twice: nowhere (comment header, profile, replies, quote)."""
    same = make_member("123", real_name="123")
    cased = make_member("Bakht", real_name=" bakht")
    other = make_member("Herman 4223", real_name="Alexander")
    for m in (same, cased, other):
        m.refresh_from_db()
    assert same.display_name == "123" and cased.display_name == "Bakht"
    assert other.display_name == "Herman 4223 (Alexander)"
    root = post(other, article, "root words")
    post(same, article, "same name here", parent=root)
    post(cased, article, "cased name here", parent=root)
    pages = [client.get(article.get_absolute_url()).content.decode(),
             client.get("/members/123/").content.decode(), client.get("/members/Bakht/").content.decode()]
    reader = Client()
    reader.force_login(other)
    pages.append(reader.get("/replies/").content.decode())
    for html in pages:
        assert "123 (123)" not in html and "(bakht)" not in html.lower()
    assert "Herman 4223 (Alexander)" in pages[0]
    assert 'class="byline"' not in pages[1]  # the profile repeats no name under its title


def test_a_deleted_account_says_so_and_shows_nothing_from_before(client, alice, bob, article, post, settings):
    post(alice, article, "my last words")
    client.force_login(alice)
    client.get("/")  # Online
    assert presence.online_ids([alice.pk]) == {alice.pk}
    actions.do_update_profile(alice, real_name="Alice Liddell", about="a secret about me", email="a@example.org")
    actions.do_delete_account(alice)
    reader = Client()
    reader.force_login(bob)
    page = reader.get(article.get_absolute_url()).content.decode()
    thread = page[page.index('id="thread"'):]  # the page's head lists the words too (its JSON-LD)
    head = thread.split("my last words")[0].rsplit('<li id="c', 1)[1]
    assert '<span class="login gone-account" dir="auto">alice</span> (deleted account)' in head
    assert "/members/alice/" not in page and "Online" not in head and "presence" not in head
    assert presence.online_ids([alice.pk]) == set()
    r = reader.get("/members/alice/")
    assert r.status_code == 410
    html = r.content.decode()
    assert "deleted account" in html
    for old in ("Alice Liddell", "a secret about me", "my last words", "Joined", "Online", "Offline"):
        assert old not in html, old
    assert reader.get("/api/v1/presence/", {"ids": str(alice.pk)}).json()["online"] == {}


def test_replies_list_only_what_the_member_may_read(client, alice, bob, make_article, post):
    public = make_article(slug="public")
    mine = post(alice, public, "alice writes")
    post(bob, public, "a reply to read", parent=mine)
    for status in (Comment.Status.HELD, Comment.Status.REMOVED, Comment.Status.DELETED):
        c = post(bob, public, f"reply {status}", parent=mine)
        Comment.objects.filter(pk=c.pk).update(status=status)
    drafted = make_article(slug="drafted")
    there = post(alice, drafted, "on an article taken back")
    post(bob, drafted, "reply on a draft", parent=there)
    Article.objects.filter(pk=drafted.pk).update(state=Article.State.DRAFT)
    from accounts.replies import forget_unread, unread_count

    forget_unread(alice.pk)
    assert unread_count(alice) == 1
    client.force_login(alice)
    html = client.get("/replies/").content.decode()
    assert "a reply to read" in html
    for gone in ("reply held", "reply removed", "reply deleted", "reply on a draft", "drafted"):
        assert gone not in html, gone
