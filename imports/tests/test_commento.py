"""Commento exports: the corpus files and generated edge cases."""

import json

import pytest

from accounts.models import Member
from discussion.models import Comment
from imports import commento
from imports.errors import ImportFormatError
from imports.tests.helpers import HOSTILE_HTML, HOSTILE_MARKDOWN, assert_inert, corpus
from newsroom.models import Article

Status = Comment.Status


def test_corpus_threads_members_and_emails(db):
    summary = commento.load(corpus("remark42/commento.json"))
    assert summary.threads == 2 and summary.comments_created == 3
    reply = Comment.objects.get(source_key__endswith=":ea5f7bcd6ac9bb7b657f7d0569831104e1bcf9c253d03c1e16bf9654c49a5ce9")
    assert reply.parent.body == "Example 2 comment created by user."
    assert reply.author.login == "Saturnin Uf" and reply.author.email == "moregreatmail@gmail.com"
    assert reply.author.date_joined.isoformat() == "2021-03-21T12:15:37.536035+00:00"
    assert reply.created.isoformat() == "2021-05-11T15:43:01.852651+00:00"
    guest = Comment.objects.get(source_key__endswith=":e7069a7dfcfaed43caf62300a9b0edb1c124ad79d0f5887c93649c15d7f69945")
    assert guest.author.login == "Anonymous"
    assert set(Article.objects.values_list("source_url", flat=True)) == {
        "https://example.com/blog/post/1", "https://example.com/blog/post/2"}
    again = commento.load(corpus("remark42/commento.json"))
    assert (again.comments_created, again.comments_existing, again.articles_created) == (0, 3, 0)
    assert Member.objects.count() == 3 and Comment.objects.count() == 3


def test_rest_api_corpus_empty_bodies_and_undefined_email(db):
    summary = commento.load(corpus("remark42/rest-api/commento.json"))
    assert summary.comments_created == 7 and summary.empty == 7
    assert set(Comment.objects.values_list("body", flat=True)) == {"(empty comment)"}
    member = Member.objects.get(import_key__startswith="commento:")
    assert member.login == "blank" and member.email == ""  # "undefined" is not an address
    article = Article.objects.get()
    by_hex = {c.source_key.rsplit(":", 1)[1][:6]: c for c in article.comments.all()}
    assert by_hex["6d3bb6"].parent == by_hex["46baf3"] and by_hex["098960"].parent == by_hex["23fcfc"]
    # Oldest first, whatever the file's order.
    created = list(article.comments.order_by("id").values_list("created", flat=True))
    assert created == sorted(created)


def test_states_html_fallback_and_hostile_bodies(db, tmp_path):
    def c(hexid, **kw):
        return {"commentHex": hexid, "domain": "example.com", "url": "/p", "commenterHex": "anonymous",
                "markdown": "text", "html": "", "parentHex": "root", "score": 5, "state": "approved",
                "creationDate": "2022-01-01T00:00:00Z", "deleted": False, **kw}

    data = {"version": 1, "commenters": [], "comments": [
        c("a1", state="unapproved"), c("a2", state="flagged"), c("a3", deleted=True),
        c("a4", markdown="", html=HOSTILE_HTML), c("a5", markdown=HOSTILE_MARKDOWN),
        c("a6", commenterHex="unknown-hex"), c("a7", creationDate="never"),
    ]}
    path = tmp_path / "c.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    summary = commento.load(path)
    assert (summary.held, summary.deleted, summary.skipped) == (2, 1, 1)
    got = {c.source_key.rsplit(":", 1)[1]: c for c in Comment.objects.all()}
    assert_inert(got["a4"].body_html, text_too=True)
    assert "js link" in got["a4"].body
    assert_inert(got["a5"].body_html)


def test_not_a_commento_file(db, tmp_path):
    path = tmp_path / "c.json"
    path.write_text('{"version": 1}', encoding="utf-8")
    with pytest.raises(ImportFormatError, match="not a Commento export"):
        commento.load(path)
