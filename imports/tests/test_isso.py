"""Isso: its SQLite database and its generic JSON."""

import json
import sqlite3

import pytest

from discussion.models import Comment, Quote
from imports import isso
from imports.common import Options
from imports.errors import ImportFormatError
from imports.tests.helpers import HOSTILE_MARKDOWN, assert_inert, corpus
from newsroom.models import Article

Status = Comment.Status


def test_generic_json_corpus(db):
    summary = isso.load(corpus("isso/generic.json"))
    assert summary.threads == 2 and summary.comments_created == 2
    titles = set(Article.objects.values_list("title", flat=True))
    assert titles == {"Test post", "Nat & Miguel"}  # form-encoded in the file
    c = Comment.objects.get(source_key="isso:/posts/0007/:0")
    assert c.created.isoformat() == "2005-05-08T06:50:26+00:00"
    assert c.body == "Ja-make-a me crazzy mon :)" and c.author.login == "Richard Crinshaw"
    assert c.author.email == "105421439@87750645.com"
    assert c.article.source_url == "/posts/0007/"


def _isso_db(path, threads, comments):
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE, title VARCHAR(256));
        CREATE TABLE comments (tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER,
            created FLOAT NOT NULL, modified FLOAT, mode INTEGER, remote_addr VARCHAR, text VARCHAR,
            author VARCHAR, email VARCHAR, website VARCHAR, likes INTEGER DEFAULT 0,
            dislikes INTEGER DEFAULT 0, voters BLOB NOT NULL, notification INTEGER DEFAULT 0);
    """)
    db.executemany("INSERT INTO threads VALUES (?, ?, ?)", threads)
    db.executemany("INSERT INTO comments (tid, id, parent, created, modified, mode, remote_addr, text, "
                   "author, email, website, likes, dislikes, voters) VALUES "
                   "(?, ?, ?, ?, ?, ?, '127.0.0.1', ?, ?, ?, '', 3, 1, x'00')", comments)
    db.commit()
    db.close()


def test_sqlite_database(db, tmp_path, make_article):
    existing = make_article(title="On the river")
    path = tmp_path / "comments.db"
    _isso_db(path, [(1, existing.get_absolute_url(), "On the river"), (2, "/other/", "Other")], [
        (1, 1, None, 1_600_000_000.5, None, 1, "**Markdown** stays *Markdown*", "Anna", "anna@example.org"),
        (1, 2, 1, 1_600_000_100.0, 1_600_000_200.0, 2, "pending reply", "Anna", "ANNA@example.org"),
        (1, 3, 1, 1_600_000_300.0, None, 4, "", None, None),
        (1, 4, 3, 1_600_000_400.0, None, 1, "reply to the deleted", "Boris", ""),
        (2, 5, None, 1_600_000_500.0, None, 1, "مرحبا \u202eevil\u202c 東京", "Анна", None),
    ])
    summary = isso.load(path)
    assert (summary.comments_created, summary.held, summary.deleted) == (5, 1, 1)
    got = {c.source_key.rsplit(":", 1)[1]: c for c in Comment.objects.all()}
    assert got["1"].article == existing  # the thread URI is the article's path
    assert got["1"].created.isoformat() == "2020-09-13T12:26:40.500000+00:00"
    assert got["1"].body_html == "<p><strong>Markdown</strong> stays <em>Markdown</em></p>"
    assert got["2"].status == Status.HELD and got["2"].parent == got["1"]
    assert got["2"].edited.isoformat() == "2020-09-13T12:30:00+00:00"
    assert got["2"].author == got["1"].author  # the same email, whatever its case
    assert got["3"].status == Status.DELETED and got["4"].parent == got["3"]
    assert got["3"].author.login == "Anonymous"
    assert "مرحبا" in got["5"].body
    assert existing.comments.filter(status=Status.VISIBLE).count() == 2
    assert isso.load(path).comments_existing == 5


def test_markdown_payloads_are_inert_and_cannot_forge_quotes(db, tmp_path, make_article):
    make_article()  # its comment 1 could be named by "[quote=c1]"
    path = tmp_path / "generic.json"
    path.write_text(json.dumps([{"id": "/x/", "title": "X", "comments": [
        {"id": 1, "author": "<script>", "email": "", "website": "", "remote_addr": "",
         "created": "2020-01-01 00:00:00", "text": HOSTILE_MARKDOWN}]}]), encoding="utf-8")
    isso.load(path)
    c = Comment.objects.get()
    assert_inert(c.body_html)
    assert not Quote.objects.exists() and "quote-source" not in c.body_html
    assert "<code>[quote=c1]</code>" in c.body_html


@pytest.mark.parametrize(("content", "reason"), [
    ('{"not": "a list"}', "list of threads"),
    ('[{"title": "no id"}]', "lacks an “id”"),
])
def test_malformed_json(db, tmp_path, content, reason):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFormatError, match=reason):
        isso.load(path)


def test_a_database_that_is_not_isso(db, tmp_path):
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE x (y)").connection.close()
    with pytest.raises(ImportFormatError, match="not an Isso database"):
        isso.load(path, Options())
