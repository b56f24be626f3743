"""`veche import`: a thin command that reports, rolls back on --dry-run, and never shows a
traceback for a bad file."""

import importlib
import io

import pytest
from django.core.management import CommandError, call_command

from discussion.models import Comment
from imports.tests.helpers import corpus, disqus_xml
from newsroom.models import Article

command_module = importlib.import_module("imports.management.commands.import")


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_repaired_file_reports_its_repairs(db):
    out, _ = _run("disqus", str(corpus("remark42/disqus.xml")))
    assert "5 created" in out and "1 removed" in out
    assert "line 1: 1 stray character(s)" in out and "line 147: the attribute value" in out


def test_dry_run_saves_nothing(db):
    out, _ = _run("disqus", str(corpus("isso/disqus.xml")), "--dry-run")
    assert "5 created" in out and "Dry run: everything was rolled back" in out
    assert not Comment.objects.exists() and not Article.objects.exists()


def test_options_reach_the_converter(db):
    out, _ = _run("disqus", str(corpus("remark42/disqus-deleted-post.xml")), "--skip-removed",
                  "--article-map", "create")
    assert "2 got a new article" in out and "3 skipped" in out


def test_progress_goes_to_stderr(db, tmp_path, monkeypatch):
    monkeypatch.setattr(command_module, "PROGRESS_EVERY", 0)
    path = tmp_path / "d.xml"
    path.write_text(disqus_xml([{"id": "t"}], [{"id": str(n), "thread": "t"} for n in range(3)]),
                    encoding="utf-8")
    _, err = _run("disqus", str(path))
    assert "3 comments · " in err and "/s" in err


@pytest.mark.parametrize(("source", "name", "content", "message"), [
    ("disqus", "bad.xml", '<?xml version="1.0"?>\n<disqus>\n<post>\n</disqus>\n',
     r"bad\.xml:4: the XML is malformed: mismatched tag \(column 3\)\. Nothing more was imported\."),
    ("isso", "bad.json", '[\n{"id": "/a/",\n "comments": [}\n]',
     r"bad\.json:3: not valid JSON: .*\. Nothing more was imported\."),
    ("remark42", "bad.json", b'{"version": 1}\n{"id": "caf\xe9"}\n',
     r"bad\.json: the file is not UTF-8 text .*\. Nothing more was imported\."),
    ("commento", "bad.json", '{"version": 1}',
     r"bad\.json:1: not a Commento export: .*\. Nothing more was imported\."),
    ("veche", "bad.jsonl", '{"type":"veche-export","version":9}\n',
     r"bad\.jsonl:1: export format version 9.*\. Nothing more was imported\."),
    ("wordpress", "missing.xml", None, r"missing\.xml: cannot read the file: No such file"),
])
def test_bad_files_become_command_errors(db, tmp_path, source, name, content, message):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        _run(source, str(path))


def test_an_error_after_whole_threads_says_what_stayed(db, tmp_path):
    head = '<?xml version="1.0"?>\n<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>\n'
    item = ("<item><title>T{n}</title><link>https://b.example/{n}</link><wp:post_id>{n}</wp:post_id>"
            "<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_date_gmt>2020-01-01 00:00:00"
            "</wp:comment_date_gmt><wp:comment_content>hi</wp:comment_content></wp:comment></item>\n")
    path = tmp_path / "wp.xml"
    path.write_text(head + item.format(n=1) + item.format(n=2) + "<item></oops>\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match=r"wp\.xml:5: .*Nothing more was imported"):
        call_command("import", "wordpress", str(path), stdout=out, stderr=err)
    assert "Kept from before the error: 2 whole threads, 2 comments." in err.getvalue()
    assert Comment.objects.count() == 2


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(("source", "name", "content", "message"), [
    ("remark42", "deep-remark42.json", '{"version": 1}\n{"id": "c", "text": ' + _deep(100_000) + "}\n",
     r"deep-remark42\.json:2: the JSON nests deeper than Veche can read .*\. Nothing more was imported\."),
    ("commento", "deep-commento.json", '{"comments": ' + _deep(100_000) + "}",
     r"deep-commento\.json:?\d*: the JSON nests deeper than Veche can read .*\. Nothing more was imported\."),
    ("isso", "deep-isso.json", _deep(100_000),
     r"deep-isso\.json:?\d*: the JSON nests deeper than Veche can read .*\. Nothing more was imported\."),
    ("veche", "deep.jsonl", '{"type":"veche-export","version":1,"x":' + _deep(100_000) + "}\n",
     r"deep\.jsonl:1: the JSON nests deeper than Veche can read .*\. Nothing more was imported\."),
])
def test_a_json_nested_100000_deep_is_refused_naming_the_file(db, tmp_path, source, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        _run(source, str(path))
    assert not Comment.objects.exists()
