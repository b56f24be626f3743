"""NUL characters and slot markers: a request holding NUL is refused however its form is
encoded (the page's script posts multipart forms); whatever text reaches a page — a kept
draft, a comment, a name — can never make a slot marker, so it is shown as text and never
filled with a member's account links, token or presence; a report keeps no NUL."""

import html

import pytest
from django.test import Client

from discussion.models import Comment
from moderation import actions as moderation_actions
from moderation.models import Report
from newsroom import memberpage

JSON = {"HTTP_ACCEPT": "application/json"}
FORGED = ["\x00", "a\x00b", "\x00account\x00", "\x00token\x00", "x\x00account\x00y\x00me\x00z", "\x00t\x00",
          "\x00p1\x00"]


# --- the request layer ------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
@pytest.mark.parametrize("as_json", [False, True], ids=["page", "json"])
def test_a_nul_in_any_form_is_refused_for_every_role(client, make_member, moderator, article, post,
                                                    encoding, as_json):
    target = post(make_member(), article, "Someone's comment")
    forms = [
        (f"/articles/{article.slug}/comments/", {"body": "a\x00b"}),
        (f"/articles/{article.slug}/comments/", {"body\x00": "ab"}),
        (f"/comments/{target.pk}/report/", {"reason": "other", "text": "bad\x00text"}),
        (f"/comments/{target.pk}/edit/", {"body": "edited\x00"}),
        ("/signup/", {"login": "nul\x00member", "password": "a long passphrase here"}),
        ("/signin/", {"username": "x\x00", "password": "whatever it is"}),
    ]
    headers = JSON if as_json else {}
    for who in (None, make_member(), moderator):
        c = Client()
        if who is not None:
            c.force_login(who)
        for url, data in forms:
            if encoding == "multipart":
                r = c.post(url, data, **headers)
            else:
                from urllib.parse import urlencode

                r = c.post(url, urlencode(data), content_type="application/x-www-form-urlencoded", **headers)
            assert r.status_code == 400, (who, url, data, r.status_code)
            assert ("nul_character" in r.content.decode()) if as_json else ("NUL character" in r.content.decode())
    assert Comment.objects.count() == 1 and not Report.objects.exists()
    assert all("\x00" not in c.body for c in Comment.objects.all())


# --- a kept draft ------------------------------------------------------------------------------

def _page_with_draft(alice, article, body: str) -> tuple[int, str]:
    c = Client()
    c.force_login(alice)
    session = c.session
    # As a session kept before drafts lost their NULs would hold it.
    session["comment_draft"] = {"article": article.pk, "body": body, "parent": None}
    session.save()
    r = c.get(article.get_absolute_url())
    return r.status_code, r.content.decode()


@pytest.mark.parametrize("body", FORGED)
def test_a_draft_holding_nul_or_a_slot_name_is_shown_as_text_never_filled(alice, article, body):
    status, page = _page_with_draft(alice, article, f"Before {body} after")
    assert status == 200
    assert "\x00" not in page
    textarea = html.unescape(page.split("<textarea", 1)[1].split(">", 1)[1].split("</textarea>", 1)[0])
    assert textarea == f"Before {body} after".replace("\x00", "")  # the text as written, and only it
    # Nothing of the member's own slots went into their text.
    assert "/signout/" not in textarea and "csrfmiddlewaretoken" not in textarea and "<a " not in textarea
    assert page.count('action="/signout/"') == 1  # the account links, once, in the header


@pytest.mark.parametrize("body", FORGED)
def test_a_draft_kept_before_sign_in_loses_its_nuls(client, alice, article, body):
    from django.test import RequestFactory

    from discussion.views import DRAFT_SESSION_KEY, _keep_draft_and_sign_in

    request = RequestFactory().post("/")
    request.session = client.session
    request._messages = type("Messages", (), {"add": lambda *a, **k: None})()
    _keep_draft_and_sign_in(request, article, f"Draft {body}", None)
    kept = request.session[DRAFT_SESSION_KEY]["body"]
    assert "\x00" not in kept and kept.startswith("Draft ")


def test_the_whole_journey_with_a_nul_draft_ends_in_a_page_not_a_500(client, alice, article):
    """Signed out, a post with NUL is refused with a reason; nothing is kept to fail later."""
    r = client.post(f"/articles/{article.slug}/comments/", {"body": "My draft \x00account\x00"})
    assert r.status_code == 400 and "comment_draft" not in client.session
    client.post("/signin/", {"username": "alice", "password": "correct horse battery"})
    r = client.get(article.get_absolute_url())
    assert r.status_code == 200 and "\x00" not in r.content.decode()


# --- the skeleton and the thread ----------------------------------------------------------------

def test_the_skeleton_fills_only_the_markers_the_renderer_wrote():
    real = memberpage.MARKERS["account"].encode()
    html = b"<p>\x00account\x00 " + real + b" \x00token\x00 \x00</p>"
    skeleton = memberpage.Skeleton(html)
    assert skeleton.slots == ["account"]
    filled = skeleton.fill({"account": b"<LINKS>"})
    assert filled.count(b"<LINKS>") == 1 and b"\x00" not in filled
    assert filled.startswith(b"<p>\xef\xbf\xbdaccount\xef\xbf\xbd <LINKS>")


@pytest.mark.parametrize("text", FORGED)
def test_a_thread_fills_only_the_markers_it_rendered(text):
    from discussion import render

    html = f"<p>{text}</p>{render.presence_slot(7)}<i>{render.TOKEN_SLOT}</i>".encode()
    filled = render.Split(html).fill("TOKEN", {7: 2e9}, {7: 3}).decode()
    assert filled.startswith("<p>" + text.replace("\x00", "\ufffd") + "</p>")
    assert filled.count("TOKEN") == 1 and filled.endswith("<i>TOKEN</i>") and "\x00" not in filled
    assert render.Split(html).members == {7}


def test_markers_carry_a_tag_no_page_shows(alice, bob, article, post, client):
    from core import slots

    post(bob, article, "Hello")
    client.force_login(alice)
    page = client.get(article.get_absolute_url()).content.decode()
    assert slots.TAG not in page and "\x00" not in page
    assert len(slots.TAG) >= 16


@pytest.mark.parametrize("text", FORGED)
def test_text_in_a_thread_cannot_make_a_token_or_presence_slot(alice, bob, article, post, text):
    """Stored text with NUL (as an import or an old row might hold) renders as text, for a
    visitor and for a member, and fills nothing."""
    from django.db import connection

    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL stores no NUL: there no text of a thread can hold one")
    c = post(bob, article, "placeholder")
    Comment.objects.filter(pk=c.pk).update(body_html=f"<p>said {text} there</p>")
    from discussion.page import clear_caches

    clear_caches()
    for who in (None, alice):
        viewer = Client()
        if who is not None:
            viewer.force_login(who)
        r = viewer.get(article.get_absolute_url())
        assert r.status_code == 200
        page = r.content.decode()
        said = page.split("<p>said ", 1)[1].split(" there</p>", 1)[0]
        assert said == text.replace("\x00", "\ufffd")  # shown as a browser shows NUL; nothing filled in
        api = viewer.get(f"/api/v1/articles/{article.slug}/comments/")
        assert api.status_code == 200 and "said" in api.json()["comments"][0]["body_html"]


# --- reports ---------------------------------------------------------------------------------------

def test_a_report_keeps_no_nul(alice, bob, article, post):
    c = post(bob, article, "Reported")
    report = moderation_actions.report(alice, c, "other", "spam\x00 here\x00")
    report.refresh_from_db()
    assert report.text == "spam here"


def test_a_report_of_only_nul_needs_words(alice, bob, article, post):
    from core.errors import ActionError

    c = post(bob, article, "Reported")
    with pytest.raises(ActionError) as refused:
        moderation_actions.report(alice, c, "other", "\x00\x00")
    assert refused.value.code == "text_needed" and not Report.objects.exists()
