"""Remark42 backups: newline-delimited JSON, written from its documented shape."""

import json

import pytest

from discussion.models import Comment
from imports import remark42
from imports.errors import ImportFormatError
from imports.tests.helpers import HOSTILE_HTML, assert_inert
from newsroom.models import Article

Status = Comment.Status
META = {"version": 1, "users": [{"id": "github_1", "blocked": {"status": False}}],
        "posts": [{"url": "https://blog.example/a/", "read_only": False}]}


def _c(cid, pid="", text="<p>text</p>", user=("Anna", "github_1"), url="https://blog.example/a/",
       time="2021-03-04T05:06:07.123456789-05:00", **extra):
    return {"id": cid, "pid": pid, "text": text, "orig": "ignored",
            "user": {"name": user[0], "id": user[1], "picture": "", "ip": "hash", "admin": False},
            "locator": {"site": "blog", "url": url}, "score": 2, "vote": 0, "votes": {"x": True},
            "time": time, "imported": False, **extra}


def _write(tmp_path, records, meta=META):
    path = tmp_path / "backup.json"
    lines = ([json.dumps(meta)] if meta is not None else []) + [json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_backup_with_two_pages_in_any_order(db, tmp_path):
    records = [
        _c("c2", pid="c1", text="<p>reply</p>", time="2021-03-04T11:00:00Z"),
        _c("b1", url="https://blog.example/b/", user=("Борис", "google_2"), title="Page B"),
        _c("c1", text="<p>first <a href=\"https://example.org\">link</a></p>", title="Page A"),
        _c("c3", pid="c1", delete=True, text="", time="2021-03-04T12:00:00Z"),
        _c("c4", pid="c3", text="<p>reply to deleted</p>", user=("Anna", "github_1"),
           time="2021-03-04T13:00:00Z"),
        _c("c5", pid="gone", text="<p>orphan</p>", time="2021-03-04T14:00:00Z"),
    ]
    summary = remark42.load(_write(tmp_path, records))
    assert summary.threads == 2 and summary.comments_created == 6 and summary.orphans == 1
    got = {c.source_key.rsplit(":", 1)[1]: c for c in Comment.objects.all()}
    assert got["c1"].created.isoformat() == "2021-03-04T10:06:07.123456+00:00"
    assert got["c2"].parent == got["c1"] and got["c1"].article.title == "Page A"
    assert got["c1"].body == "first [link](<https://example.org>)"
    assert got["c3"].status == Status.DELETED and got["c4"].parent == got["c3"]
    assert got["c4"].author == got["c1"].author and got["b1"].author.login == "Борис"
    assert got["c5"].parent is None
    assert Article.objects.get(title="Page B").source_url == "https://blog.example/b/"
    assert remark42.load(_write(tmp_path, records)).comments_existing == 6


def test_hostile_text_is_inert(db, tmp_path):
    remark42.load(_write(tmp_path, [_c("x", text=HOSTILE_HTML, user=("<script>", "u"))]))
    assert_inert(Comment.objects.get().body_html, text_too=True)


def test_bad_records(db, tmp_path):
    path = _write(tmp_path, [_c("ok"), _c("no-time", time="yesterday"), {"id": "no-locator"}])
    summary = remark42.load(path)
    assert summary.comments_created == 1 and summary.skipped == 2
    assert any(w.startswith("line 3:") for w in summary.warnings)


@pytest.mark.parametrize(("text", "line", "reason"), [
    ('{"version": 1}\n' + json.dumps(_c("before")) + '\n{"id": "a", oops}\n', 3, "not a JSON record"),
    ('{"id": "a"}\n', 1, "version record"),
    ("", 1, "empty"),
    ('{"version": 1}\n[1, 2]\n', 2, "JSON object"),
])
def test_malformed_backups_write_nothing(db, tmp_path, text, line, reason):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFormatError) as err:
        remark42.load(path)
    assert reason in err.value.reason and err.value.line == line
    assert not Comment.objects.exists()  # the whole file is read before anything is written
