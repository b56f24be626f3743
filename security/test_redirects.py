"""Every `next` a request carries is followed only to a path on this site; the site's own
sign-in links carry theirs whole."""

import re

import pytest

ELSEWHERE = ["https://elsewhere/", "//elsewhere", "/\\elsewhere", "javascript:alert(1)", "http:elsewhere",
             "/\t/elsewhere", " //elsewhere"]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_sign_up_sign_in_and_sign_out_follow_only_paths_on_this_site(client, make_member, target, settings):
    settings.VECHE_RATE_LIMITS = False
    r = client.post(f"/signup/?next={target}", {"login": "newcomer", "email": "n@example.org",
                                                "password": "a long enough passphrase", "next": target})
    assert r.status_code == 302 and r["Location"] == "/", r.content[:500]
    client.logout()
    make_member("returning", password="the right passphrase")
    r = client.post("/signin/", {"username": "returning", "password": "the right passphrase", "next": target})
    assert r.status_code == 302 and "elsewhere" not in r["Location"] and not r["Location"].startswith("javascript")
    r = client.post("/signout/", {"next": target})
    assert r.status_code == 302 and "elsewhere" not in r["Location"] and not r["Location"].startswith("javascript")
    for page in ("/signin/", "/signup/"):  # the forms' own next, and their links to each other
        html = client.get(page, {"next": target}).content.decode()
        kept = re.findall(r'name="next" value="([^"]*)"', html) + re.findall(r'\?next=([^"]*)">Sign (?:in|up)</a>\.', html)
        assert kept and not [k for k in kept if "elsewhere" in k or "javascript" in k], (page, kept)


def test_a_visitors_post_returns_to_the_comment_form_after_sign_in(client, article):
    r = client.post(f"/articles/{article.slug}/comments/", {"body": "a draft"})
    assert r["Location"] == f"/signin/?next=%2Farticles%2F{article.slug}%2F%23comment-form"
    r = client.post("/comments/1/vote/", {"value": "1"})
    assert r.status_code in (302, 404)
