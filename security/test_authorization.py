"""The authorization matrix: every state-changing endpoint against every role, and no GET
that changes state."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from discussion.models import Comment, Vote
from moderation.models import Ban, BrigadeCase, Report

ROLES = ["visitor", "member", "author", "banned", "moderator", "editor"]
JSON = {"HTTP_ACCEPT": "application/json"}
A, D, S = "allow", "deny", "signin"

# endpoint → expected outcome per role, in the order of ROLES
MATRIX = {
    "comment":       [S, A, A, D, A, A],
    "reply":         [S, A, A, D, A, A],
    "edit":          [S, D, A, D, D, D],
    "delete":        [S, D, A, D, D, D],
    "vote":          [S, A, D, D, A, A],
    "report":        [S, A, D, D, A, A],
    "mod-hide":      [S, D, D, D, A, A],
    "mod-bulk":      [S, D, D, D, A, A],
    "mod-ban":       [S, D, D, D, A, A],
    "mod-lift":      [S, D, D, D, A, A],
    "mod-case":      [S, D, D, D, A, A],
    "profile":       [S, A, A, A, A, A],
}


@pytest.fixture
def world(make_member, article, post):
    author = make_member("author", date_joined=timezone.now() - timedelta(days=90))
    other = make_member("other")
    banned = make_member("banned")
    moderator = make_member("moderator")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    editor = make_member("editor")
    editor.groups.add(Group.objects.get(name="Editors"))
    comment = post(author, article, "the author's words")
    Ban.objects.create(member=banned, reason="spam", scope=Ban.Scope.COMMENTING)
    lift_me = Ban.objects.create(member=other, reason="old", scope=Ban.Scope.COMMENTING,
                                 until=timezone.now() - timedelta(days=1))
    case = BrigadeCase.objects.create(kind="test", summary="a case", target=author)
    return {"article": article, "comment": comment, "lift": lift_me, "case": case,
            "members": {"member": other, "author": author, "banned": banned, "moderator": moderator,
                        "editor": editor}}


def request_for(endpoint, w):
    c, a = w["comment"], w["article"]
    return {
        "comment": (f"/articles/{a.slug}/comments/", {"body": "new words"}),
        "reply": (f"/comments/{c.pk}/reply/", {"body": "a reply", "parent": c.pk}),
        "edit": (f"/comments/{c.pk}/edit/", {"body": "changed words"}),
        "delete": (f"/comments/{c.pk}/delete/", {}),
        "vote": (f"/comments/{c.pk}/vote/", {"value": 1, "mode": "set"}),
        "report": (f"/comments/{c.pk}/report/", {"reason": "spam"}),
        "mod-hide": (f"/moderation/comments/{c.pk}/", {"action": "hide", "reason": "spam"}),
        "mod-bulk": ("/moderation/bulk/", {"ids": [c.pk], "action": "hide", "reason": "spam"}),
        "mod-ban": (f"/moderation/members/{c.author_id}/ban/", {"days": "1", "scope": "commenting", "reason": "r"}),
        "mod-lift": (f"/moderation/bans/{w['lift'].pk}/lift/", {}),
        "mod-case": (f"/moderation/cases/{w['case'].pk}/", {"decision": "release"}),
        "profile": ("/account/", {"real_name": "Changed", "email": "", "about": ""}),
    }[endpoint]


def snapshot(w):
    c = Comment.objects.get(pk=w["comment"].pk)
    return (Comment.objects.count(), c.body, c.status, c.plus, Vote.objects.count(), Report.objects.count(),
            Ban.objects.count(), Ban.objects.filter(lifted__isnull=False).count(),
            BrigadeCase.objects.filter(state="open").count(),
            sorted(type(w["members"]["author"]).objects.values_list("real_name", flat=True)))


@pytest.mark.parametrize("endpoint", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_authorization_matrix(client, world, endpoint, role):
    expected = MATRIX[endpoint][ROLES.index(role)]
    if role != "visitor":
        client.force_login(world["members"][role])
    url, data = request_for(endpoint, world)
    before = snapshot(world)
    r = client.post(url, data, **JSON)
    after = snapshot(world)
    if expected == A:
        assert r.status_code in (200, 201, 302), (endpoint, role, r.status_code)
        assert after != before, (endpoint, role, "allowed but nothing changed")
    elif expected == S:
        assert r.status_code in (401, 302), (endpoint, role, r.status_code)
        if r.status_code == 302:
            assert "signin" in r["Location"]
        assert after == before
    else:
        assert r.status_code == 403, (endpoint, role, r.status_code, r.content[:200])
        assert after == before


def test_no_get_changes_state(client, world):
    """GET every page and endpoint of the site as each role: nothing that matters changes
    (view counters and last-seen times are bookkeeping, not state)."""
    from moderation.tests.test_guard import urls as walk_urls

    targets = [url for _ns, url in walk_urls((world["article"], world["comment"], world["members"]["author"]))
               if not url.endswith("/events/") and "signout" not in url]
    targets += [f"/comments/{world['comment'].pk}/reply/?quote=1"]
    for role in ROLES:
        client.logout()
        if role != "visitor":
            client.force_login(world["members"][role])
        before = snapshot(world)
        for url in targets:
            client.get(url)
        assert snapshot(world) == before, role
    # Signing out needs a POST too.
    client.force_login(world["members"]["member"])
    assert client.get("/signout/").status_code == 405
