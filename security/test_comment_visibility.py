"""Who may read a comment's text, through every address that takes a comment id.

The rule (Comment.objects.readable_by / Comment.is_readable_by): visible comments to everyone;
held ones to their author and moderators; removed and deleted ones (placeholders on the
thread) to moderators only; and only on published articles, unless the reader is an editor.
Every address that takes a comment id — in its path, a form's `parent`, `?quote=` — is walked
for every status and every role; what a role may not read must never be in the answer, nor
the address or title of an unpublished article."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.utils import timezone

from discussion import actions as discussion_actions
from discussion.models import Comment
from moderation import actions as moderation_actions
from newsroom.models import Article

JSON = {"HTTP_ACCEPT": "application/json"}
ROLES = ["visitor", "member", "author", "moderator", "editor"]
KINDS = ["visible", "held", "removed", "deleted", "draft", "scheduled"]
# kind of comment → the roles that may read its text
READERS = {
    "visible": set(ROLES),
    "held": {"author", "moderator", "editor"},
    "removed": {"moderator", "editor"},
    "deleted": {"moderator", "editor"},
    "draft": {"editor"},  # a visible comment on a draft article
    "scheduled": {"editor"},  # a visible comment on an article scheduled for tomorrow
}
TEXT = {kind: f"Zq{kind}Words" for kind in KINDS}
# What names an unpublished article: its address and its title.
UNPUBLISHED = ["hush-draft-slug", "Hush Draft Title", "hush-future-slug", "Hush Future Title"]


@pytest.fixture
def world(make_member, make_article, post):
    members = {
        "member": make_member("reader"),
        "author": make_member("writer", real_name="Writer", date_joined=timezone.now() - timedelta(days=90)),
        "moderator": make_member("moddy"),
        "editor": make_member("eddy"),
    }
    members["moderator"].groups.add(Group.objects.get(name="Moderators"))
    members["editor"].groups.add(Group.objects.get(name="Editors"))
    author = members["author"]
    pub = make_article(title="Open Story", slug="open-story")
    draft = make_article(title="Hush Draft Title", slug="hush-draft-slug")
    future = make_article(title="Hush Future Title", slug="hush-future-slug")
    # Each comment replies to the member's, so the member's Replies page is walked too.
    parents = {a.pk: post(members["member"], a, "A parent comment.") for a in (pub, draft, future)}
    comments = {kind: post(author, {"draft": draft, "scheduled": future}.get(kind, pub), TEXT[kind],
                           parent=parents[{"draft": draft, "scheduled": future}.get(kind, pub).pk])
                for kind in KINDS}
    discussion_actions.do_set_status(comments["held"], Comment.Status.HELD)
    moderation_actions.hide(members["moderator"], comments["removed"], "insult", "a word")
    discussion_actions.delete_comment(author, comments["deleted"])
    Article.objects.filter(pk=draft.pk).update(state=Article.State.DRAFT)
    Article.objects.filter(pk=future.pk).update(state=Article.State.SCHEDULED,
                                                published_at=timezone.now() + timedelta(days=1))
    for c in comments.values():
        c.refresh_from_db()
    return {"members": members, "comments": comments, "articles": [pub, draft, future], "pub": pub}


def client_for(client, world, role):
    if role != "visitor":
        client.force_login(world["members"][role])
    client.raise_request_exception = False
    return client


def user_for(world, role):
    return AnonymousUser() if role == "visitor" else world["members"][role]


def comment_requests(c: Comment, pub: Article) -> list[tuple[str, str, dict | None, dict]]:
    """Every request that names the comment: (method, address, form, headers). The author's
    delete comes last: it goes through."""
    pk, own = c.pk, c.article.slug
    return [
        ("GET", f"/comments/{pk}/", None, {}),  # its action page, where the thread's "More" leads
        ("GET", f"/comments/{pk}/reply/", None, {}),
        ("GET", f"/comments/{pk}/reply/?quote=1", None, {}),
        ("GET", f"/comments/{pk}/report/", None, {}),
        ("GET", f"/comments/{pk}/edit/", None, {}),
        ("GET", f"/comments/{pk}/edit/", None, JSON),
        ("GET", f"/comments/{pk}/delete/", None, {}),
        # A refused post shows its form again, with the comment replied to.
        ("POST", f"/comments/{pk}/reply/", {"body": "", "parent": pk}, {}),
        ("POST", f"/comments/{pk}/reply/", {"body": "", "parent": pk}, JSON),
        ("POST", f"/articles/{pub.slug}/comments/", {"body": "", "parent": pk}, {}),
        ("POST", f"/articles/{own}/comments/", {"body": "", "parent": pk}, {}),
        ("POST", f"/articles/{pub.slug}/comments/", {"body": "A reply.", "parent": pk}, JSON),
        ("POST", f"/comments/{pk}/report/", {"reason": ""}, {}),
        ("POST", f"/comments/{pk}/report/", {"reason": ""}, JSON),
        ("POST", f"/comments/{pk}/vote/", {"value": "1", "mode": "set"}, JSON),
        ("POST", f"/comments/{pk}/vote/", {"value": "1", "mode": "set"}, {}),
        ("POST", f"/comments/{pk}/edit/", {"body": ""}, {}),
        ("POST", f"/comments/{pk}/edit/", {"body": ""}, JSON),
        ("POST", f"/moderation/comments/{pk}/", {"action": "none"}, {}),
        ("POST", f"/comments/{pk}/delete/", {}, JSON),
        ("POST", f"/comments/{pk}/delete/", {}, {}),
    ]


def answer_text(r) -> str:
    return r.content.decode() + " " + r.get("Location", "")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ROLES)
def test_the_rule_as_a_predicate_and_as_a_query(world, role, kind):
    c, viewer = world["comments"][kind], user_for(world, role)
    expected = role in READERS[kind]
    assert Comment.objects.select_related("article").get(pk=c.pk).is_readable_by(viewer) is expected
    assert Comment.objects.readable_by(viewer).filter(pk=c.pk).exists() is expected
    assert Comment.objects.public().filter(pk=c.pk).exists() is (kind == "visible")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ROLES)
def test_every_address_with_a_comment_id(client, world, role, kind):
    c = world["comments"][kind]
    client = client_for(client, world, role)
    may_read = role in READERS[kind]
    sees_unpublished = role == "editor"
    for method, url, data, headers in comment_requests(c, world["pub"]):
        r = client.get(url, **headers) if method == "GET" else client.post(url, data or {}, **headers)
        text = answer_text(r).replace(url.split("?")[0], "")  # an address asked for may be echoed
        where = (role, kind, method, url, headers, r.status_code)
        assert r.status_code < 500, where
        if not may_read:
            assert TEXT[kind] not in text, where
            if url.startswith("/comments/"):
                assert r.status_code == 404, where  # as for a comment that does not exist
        if not sees_unpublished:
            for name in UNPUBLISHED:
                assert name not in text, (name, *where)


@pytest.mark.parametrize(("role", "kind"), [(r, k) for k in KINDS for r in ROLES if r in READERS[k]])
def test_those_who_may_read_still_can(client, world, role, kind):
    c = world["comments"][kind]
    client = client_for(client, world, role)
    r = client.get(f"/comments/{c.pk}/")
    assert r.status_code == 200 and TEXT[kind] in r.content.decode()
    r = client.get(f"/comments/{c.pk}/reply/")
    assert r.status_code == 200 and TEXT[kind] in r.content.decode()
    r = client.get(f"/comments/{c.pk}/report/")
    if role == "visitor":
        assert r.status_code == 302 and "/signin/" in r["Location"]
        return
    assert r.status_code == 200 and TEXT[kind] in r.content.decode()
    r = client.get(f"/comments/{c.pk}/reply/?quote=1")  # the reply form, the quote in it
    assert r.status_code == 200 and f"&gt; [quote=c{c.pk}]\n&gt; {TEXT[kind]}" in r.content.decode()
    if role == "author":  # their own comment, still theirs to edit and delete
        r = client.get(f"/comments/{c.pk}/edit/")
        assert r.status_code == 200 and TEXT[kind] in r.content.decode()
        assert client.get(f"/comments/{c.pk}/edit/", **JSON).json()["body"] == TEXT[kind]
        r = client.get(f"/comments/{c.pk}/delete/")
        assert r.status_code == 200 and TEXT[kind] in r.content.decode()
        assert client.post(f"/comments/{c.pk}/delete/").status_code == 302
        c.refresh_from_db()
        assert c.status == Comment.Status.DELETED
    if role in ("member", "moderator", "editor") and kind == "visible":
        r = client.post(f"/comments/{c.pk}/vote/", {"value": "1", "mode": "set"}, **JSON)
        assert r.status_code == 200 and r.json()["plus"] == 1
        r = client.post(f"/comments/{c.pk}/report/", {"reason": "spam"}, **JSON)
        assert r.status_code == 201


@pytest.mark.parametrize("role", ROLES)
def test_a_hidden_parent_is_not_told_apart_from_a_missing_one(client, world, role):
    client = client_for(client, world, role)
    if role == "visitor":
        return
    url = f"/articles/{world['pub'].slug}/comments/"
    missing = client.post(url, {"body": "A reply.", "parent": 987654}, **JSON).json()["error"]
    for kind in ("held", "removed", "deleted", "draft", "scheduled"):
        r = client.post(url, {"body": "A reply.", "parent": world["comments"][kind].pk}, **JSON)
        if role in READERS[kind]:
            assert r.status_code == 201 or r.json()["error"] in ("parent_gone", "wrong_article")
        else:
            assert r.json()["error"] == missing == "no_parent", (role, kind)


@pytest.mark.parametrize("role", ROLES)
def test_pages_and_answers_that_list_comments(client, world, role):
    client = client_for(client, world, role)
    urls = ["/", "/feed/", "/section/news/", "/section/news/feed/", "/search/?q=Hush", "/api/v1/articles/",
            "/members/writer/", "/members/reader/", "/replies/"]
    for a in world["articles"]:
        urls += [a.get_absolute_url(), f"/api/v1/articles/{a.slug}/comments/", f"/articles/{a.slug}/thread/",
                 f"/api/v1/articles/{a.slug}/"]
    hidden = [TEXT[k] for k in KINDS if role not in READERS[k]]
    for url in urls:
        r = client.get(url)
        assert r.status_code < 500, url
        text = answer_text(r).replace(url.split("?")[0], "")
        for words in hidden:
            assert words not in text, (role, url, words)
        if role != "editor":
            for name in UNPUBLISHED:
                assert name not in text, (role, url, name)
    if role == "member":  # the reply on the published article is on their Replies page
        assert TEXT["visible"] in client.get("/replies/").content.decode()


def test_a_quote_names_only_a_public_comment(client, world, post):
    """A quote's source is named in the rendered text, which every reader gets."""
    reader, pub = world["members"]["member"], world["pub"]
    held = world["comments"]["held"]
    c = post(reader, pub, f"> [quote=c{held.pk}]\n> something\n\nMy answer.")
    assert "writer wrote:" not in c.body_html and f"#c{held.pk}" not in c.body_html
    visible = world["comments"]["visible"]
    c = post(reader, pub, f"> [quote=c{visible.pk}]\n> {TEXT['visible']}\n\nMy answer.")
    assert "writer wrote:" in c.body_html
