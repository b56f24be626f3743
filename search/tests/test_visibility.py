"""What a search may show, for every role and every status: the public page only what a
reader is shown on the discussion (their own comment awaiting moderation included), the
moderators' search every comment a moderator may read, with its status. What must not be
shown is looked for in the whole answer, snippets included."""

import re

import pytest
from django.utils import timezone

from search.tests.conftest import html_of
from security.test_comment_visibility import KINDS, ROLES, TEXT, UNPUBLISHED, client_for, world  # noqa: F401

# kind of comment → the roles the public search shows it to
PUBLIC = {
    "visible": set(ROLES),
    "held": {"author"},  # their own, as their thread shows it to them
    "removed": set(), "deleted": set(), "draft": set(), "scheduled": set(),
}
# kind → the roles the moderators' search shows it to (the others are refused)
MODERATION = {
    "visible": {"moderator", "editor"}, "held": {"moderator", "editor"}, "removed": {"moderator", "editor"},
    "deleted": {"moderator", "editor"}, "draft": {"editor"}, "scheduled": {"editor"},
}
STATUS_LABEL = {"held": "Awaiting moderation", "removed": "Removed by a moderator", "deleted": "Deleted by its author"}


def searched(client, q: str, url: str = "/search/", **params) -> str:
    """The answer without the words asked for, which it repeats (title, heading, forms, links):
    no comment's text is ever in an attribute, so none is dropped here."""
    return re.sub(r'(href|value)="[^"]*"', "", html_of(client, q, url, **params)).replace(q, "")


@pytest.mark.parametrize("role", ROLES)
def test_the_public_search_shows_only_what_the_role_is_shown(client, world, role):  # noqa: F811
    client = client_for(client, world, role)
    every = " or ".join(TEXT[k] for k in KINDS)
    found = searched(client, every, kind="comments")
    pages = [found, searched(client, every), searched(client, every, kind="articles")]
    pages += [searched(client, TEXT[k]) for k in KINDS] + [searched(client, "hush"), searched(client, "story")]
    for kind in KINDS:
        shown = role in PUBLIC[kind]
        assert (TEXT[kind] in found) == shown, (role, kind)
        if not shown:
            for page in pages:
                assert TEXT[kind] not in page, (role, kind)
    for page in pages:
        for name in UNPUBLISHED:
            assert name not in page, (role, name)


@pytest.mark.parametrize("role", ROLES)
def test_the_moderators_search_shows_every_status_to_moderators_alone(client, world, role):  # noqa: F811
    client = client_for(client, world, role)
    every = " or ".join(TEXT[k] for k in KINDS)
    r = client.get("/moderation/search/", {"q": every})
    if role in ("visitor",):
        assert r.status_code == 302
        return
    # What the page shows, without the reader's own query echoed back (the site's search box
    # keeps it, on the refusal too).
    page = re.sub(r'(href|value)="[^"]*"', "", r.content.decode()).replace(every, "")
    if role in ("member", "author"):
        assert r.status_code == 403 and "Moderators only." in page
        assert not any(TEXT[kind] in page for kind in KINDS)
        return
    for kind in KINDS:
        assert (TEXT[kind] in page) == (role in MODERATION[kind]), (role, kind)
        if kind in STATUS_LABEL:
            assert STATUS_LABEL[kind] in page
    held = searched(client, every, "/moderation/search/", status="held")
    assert TEXT["held"] in held and TEXT["visible"] not in held and TEXT["removed"] not in held


def test_a_status_change_is_seen_by_the_next_search(client, world):  # noqa: F811
    from discussion import actions

    visible = world["comments"]["visible"]
    actions.do_set_status(visible, "held")
    assert "No comment matches." in html_of(client, TEXT["visible"], kind="comments")
    actions.do_set_status(visible, "visible")
    assert TEXT["visible"] in html_of(client, TEXT["visible"], kind="comments")
    assert timezone.now()
