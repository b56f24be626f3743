"""Disqus exports: the corpus files, malformed ones, and generated edge cases."""

import pytest

from accounts.models import Member
from discussion.models import BODY_MAX, Comment, Quote
from imports import common, disqus
from imports.common import Options
from imports.errors import ImportFormatError
from imports.tests.helpers import HOSTILE_HTML, assert_inert, corpus, disqus_xml
from newsroom.models import Article

Status = Comment.Status


def _load(path, **options):
    return disqus.load(path, Options(**options))


def _write(tmp_path, threads, posts, name="d.xml"):
    path = tmp_path / name
    path.write_text(disqus_xml(threads, posts), encoding="utf-8")
    return path


def test_isso_corpus_threads_orphans_and_deleted_parent(db):
    summary = _load(corpus("isso/disqus.xml"))
    assert summary.comments_created == 5 and summary.threads == 2
    assert summary.articles_created == 2  # no article matched: placeholders for both threads
    assert summary.skipped == 1  # post 6 belongs to thread 1337, which the file does not hold
    assert any("1337" in w for w in summary.warnings)
    hello = Article.objects.get(source_url="http://example.org/")
    assert hello.title == "Hello, World!" and hello.section.slug == "imported"
    assert hello.body == "Imported discussion of http://example.org/"
    by_id = {c.source_key.rsplit(":", 1)[1]: c for c in Comment.objects.all()}
    assert by_id["5"].parent == by_id["4"]
    # Post 9 was deleted, post 11 replies to it: 9 stays as a placeholder.
    assert by_id["9"].status == Status.DELETED and by_id["11"].parent == by_id["9"]
    assert by_id["5"].body_html == "<p>Hello, World.</p>"
    assert hello.comment_count == 3  # the deleted placeholder is not counted
    # The thread with an empty title is named after its link.
    assert Article.objects.filter(title="localhost:4000/blog/2013/02/12/redacted/index.html").exists()
    # peter (a guest) and user (registered) share an email but not a name: two members,
    # since a guest's email proves nothing.
    assert by_id["4"].author.login == "peter" and by_id["5"].author.login == "user"
    assert by_id["4"].author.email == by_id["5"].author.email == "foo@bar.com"
    assert by_id["9"].author == by_id["4"].author
    assert not by_id["4"].author.has_usable_password() and by_id["4"].author.is_imported


def test_remark42_corpus_is_repaired_with_warnings(db):
    summary = _load(corpus("remark42/disqus.xml"))
    warnings = "\n".join(summary.warnings)
    assert "line 1: 1 stray character(s) '`' before the XML declaration were ignored" in warnings
    assert "line 147: the attribute value in dsq:id=247937687 had no quotes" in warnings
    assert "line 135: post x299986073 has an unreadable createdAt" in warnings
    assert summary.comments_created == 5 and summary.removed == 1
    spam = Comment.objects.get(source_key__endswith=":299986073")
    assert spam.status == Status.REMOVED and spam.moderation_reason == "spam"
    # The post without dsq:id is keyed by its <id>.
    assert Comment.objects.filter(source_key__endswith=":id-12345678890").exists()
    # Two threads share a title: two articles with distinct slugs.
    slugs = sorted(Article.objects.values_list("slug", flat=True))
    assert slugs == ["радио-т-радио-т-229", "радио-т-радио-т-229-2"]
    russian = Comment.objects.get(source_key__endswith=":299744309")
    assert "Microsoft показал проводник Windows 8" in russian.body_html
    assert 'href="http://blogs.msdn.com/b/b8/archive/2011/08/29/improvements-in-windows-explorer.aspx"' in russian.body_html


def test_deleted_post_is_a_placeholder_or_left_out(db):
    summary = _load(corpus("remark42/disqus-deleted-post.xml"))
    assert summary.deleted == 1
    assert Comment.objects.get(source_key__endswith=":299619020").status == Status.DELETED
    Comment.objects.all().delete()
    summary = _load(corpus("remark42/disqus-deleted-post.xml"), skip_removed=True)
    assert not Comment.objects.filter(source_key__endswith=":299619020").exists()
    assert not Comment.objects.filter(source_key__endswith=":299986073").exists()  # spam too
    assert summary.skipped == 3  # the deleted post, the spam, the post without a time


def test_deleted_thread_is_left_out_with_its_posts(db):
    summary = _load(corpus("remark42/disqus-deleted-thread.xml"))
    assert not Comment.objects.filter(source_key__startswith="disqus:247937687:").exists()
    assert Comment.objects.filter(source_key__startswith="disqus:247918464:").count() == 2
    assert summary.threads == 1 and summary.skipped == 4
    assert any("247937687 is marked deleted" in w for w in summary.warnings)


def test_importing_twice_changes_nothing(db):
    first = _load(corpus("remark42/disqus.xml"))
    state = (Comment.objects.count(), Member.objects.count(), Article.objects.count(),
             sorted(Article.objects.values_list("comment_count", flat=True)))
    second = _load(corpus("remark42/disqus.xml"))
    assert second.comments_created == 0 and second.comments_existing == first.comments_created
    assert second.articles_created == 0 and second.articles_matched == 2
    assert state == (Comment.objects.count(), Member.objects.count(), Article.objects.count(),
                     sorted(Article.objects.values_list("comment_count", flat=True)))


def test_a_deep_chain_written_in_reverse_keeps_its_tree(db, tmp_path):
    posts = [{"id": f"p{n}", "thread": "t", "parent": f"p{n - 1}" if n else None,
              "created": f"2020-01-02T{n // 60:02d}:{n % 60:02d}:00Z"} for n in range(200)]
    path = _write(tmp_path, [{"id": "t", "link": "https://x.example/deep"}], list(reversed(posts)))
    summary = _load(path)
    assert summary.comments_created == 200 and summary.orphans == 0
    last = Comment.objects.get(source_key="disqus:t:p199")
    assert last.depth == 199
    chain = list(Comment.objects.order_by("id").values_list("parent_id", flat=True))
    assert chain[0] is None and all(p is not None for p in chain[1:])


def test_orphans_duplicates_and_loops(db, tmp_path):
    posts = [
        {"id": "1", "thread": "t", "message": "<p>root</p>"},
        {"id": "2", "thread": "t", "parent": "404", "message": "<p>orphan</p>"},
        {"id": "1", "thread": "t", "message": "<p>duplicate id</p>"},
        {"id": "a", "thread": "t", "parent": "b"},
        {"id": "b", "thread": "t", "parent": "a"},
        {"id": "3", "thread": "t", "parent": "1", "created": "2019-12-31T00:00:00Z"},  # before its parent
    ]
    summary = _load(_write(tmp_path, [{"id": "t"}], posts))
    assert summary.comments_created == 5 and summary.skipped == 1
    assert summary.orphans == 2  # "2", and the loop a↔b broken at its oldest
    assert any("appears twice" in w for w in summary.warnings)
    got = {c.source_key.rsplit(":", 1)[1]: c for c in Comment.objects.all()}
    assert got["2"].parent is None and got["1"].body == "root"
    assert got["3"].parent == got["1"] and got["3"].pk > got["1"].pk
    assert {got["a"].parent_id, got["b"].parent_id} == {None, got["a"].pk} or \
        {got["a"].parent_id, got["b"].parent_id} == {None, got["b"].pk}


def test_unicode_markdown_html_and_long_bodies(db, tmp_path):
    posts = [
        {"id": "1", "thread": "t", "message": "<p>مرحبا \u202eevil\u202c 東京 👍 Ёлка</p>", "name": "Ёжик 東京"},
        {"id": "2", "thread": "t", "message": "<p>**not bold** and <b>bold</b> and &lt;b&gt;</p>"},
        {"id": "3", "thread": "t", "message": "<p>" + "word " * 4000 + "</p>"},
        {"id": "4", "thread": "t", "message": "<p>   </p>"},
    ]
    summary = _load(_write(tmp_path, [{"id": "t"}], posts))
    got = {c.source_key.rsplit(":", 1)[1]: c for c in Comment.objects.all()}
    assert "مرحبا \u202eevil\u202c 東京 👍 Ёлка" in got["1"].body
    assert got["1"].author.login == "Ёжик 東京"
    assert got["2"].body_html == "<p>**not bold** and <strong>bold</strong> and &lt;b&gt;</p>"
    assert len(got["3"].body) <= BODY_MAX and got["3"].body.endswith("[…]")
    assert got["4"].body == "(empty comment)"
    assert summary.truncated == 1 and summary.empty == 1
    assert any("was cut" in w for w in summary.warnings)


def test_hostile_payloads_come_out_inert(db, tmp_path):
    posts = [{"id": "1", "thread": "t", "message": HOSTILE_HTML, "name": "<script>alert(1)</script>"},
             {"id": "2", "thread": "t", "message": "<blockquote>[quote=c1]<br>forged</blockquote>"}]
    _load(_write(tmp_path, [{"id": "t", "title": "<img src=x onerror=alert(1)>"}], posts))
    for c in Comment.objects.all():
        assert_inert(c.body_html, text_too=True)
    assert not Quote.objects.exists()  # "[quote=c1]" from elsewhere names no Veche comment
    assert "quote-source" not in Comment.objects.get(source_key="disqus:t:2").body_html
    article = Article.objects.get()
    assert article.title == "<img src=x onerror=alert(1)>"  # a title is text; templates escape it
    assert "<img" not in article.body_html


def test_threads_find_their_articles(db, make_article, tmp_path):
    by_source = make_article(title="Matched by source", source_url="https://old.example/a/")
    by_path = make_article(title="Matched by path")
    by_title = make_article(title="Matched by title")
    threads = [{"id": "1", "link": "https://old.example/a/"},
               {"id": "2", "link": f"https://veche.example{by_path.get_absolute_url()}"},
               {"id": "3", "link": "https://old.example/c/", "title": "Matched by title"}]
    posts = [{"id": str(n), "thread": str(n)} for n in (1, 2, 3)]
    path = _write(tmp_path, threads, posts)
    summary = _load(path)
    assert Comment.objects.get(source_key="disqus:1:1").article == by_source
    assert Comment.objects.get(source_key="disqus:2:2").article == by_path
    assert summary.articles_matched == 2 and summary.articles_created == 1
    Comment.objects.all().delete()
    Article.objects.filter(section__slug="imported").delete()
    _load(path, article_map="title")
    assert Comment.objects.get(source_key="disqus:3:3").article == by_title
    Comment.objects.all().delete()
    Article.objects.filter(section__slug="imported").delete()
    summary = _load(path, article_map="create")
    # Placeholders, except where an article already stands for the thread's URL.
    assert summary.articles_created == 2
    assert Comment.objects.get(source_key="disqus:1:1").article == by_source
    assert {c.article.section.slug for c in Comment.objects.exclude(source_key="disqus:1:1")} == {"imported"}
    assert not by_path.comments.exists() and not by_title.comments.exists()


def test_a_failure_half_way_keeps_whole_threads_and_a_rerun_resumes(db, tmp_path, monkeypatch):
    threads = [{"id": f"t{n}", "link": f"https://x.example/{n}"} for n in range(4)]
    posts = [{"id": f"{t}-{k}", "thread": f"t{t}", "parent": f"{t}-{k - 1}" if k else None}
             for k in range(3) for t in range(4)]
    path = _write(tmp_path, threads, posts)
    original = common.discussion_actions.BulkPost.add
    calls = {"n": 0}

    def failing(batch, member, draft, **kw):
        if kw["source_key"].startswith("disqus:t2:"):
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("disk full")
        return original(batch, member, draft, **kw)

    monkeypatch.setattr(common.discussion_actions.BulkPost, "add", failing)
    with pytest.raises(RuntimeError):
        _load(path)
    keys = set(Comment.objects.values_list("source_key", flat=True))
    assert keys == {f"disqus:t{t}:{t}-{k}" for t in (0, 1) for k in range(3)}
    assert Article.objects.count() == 2  # the failed thread's placeholder went with it
    monkeypatch.setattr(common.discussion_actions.BulkPost, "add", original)
    summary = _load(path)
    assert summary.comments_existing == 6 and summary.comments_created == 6
    assert Comment.objects.count() == 12 and Article.objects.count() == 4


@pytest.mark.parametrize(("text", "line", "reason"), [
    ("<disqus><post id='1'><message>x</post></disqus>", 1, "mismatched tag"),
    ('<?xml version="1.0"?>\n<disqus>\n<post id="1">\n</disqus>', 4, "mismatched tag"),
    ('<?xml version="1.0"?>\n<disqus>\n<post dsq:id="1"/>\n</disqus>', 3, "unbound prefix"),
    ('<?xml version="1.0"?>\n<disqus>\n<post id=1 x=<>/>\n</disqus>', 3, "not well-formed"),
    ("not xml at all", 1, "does not start with XML"),
    ('<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "aaaa">]>\n<disqus>&a;</disqus>', 2, "entities"),
    ('<?xml version="1.0"?>\n<rss><channel/></rss>', 1, "not a Disqus export"),
])
def test_malformed_files_are_refused_with_line_and_reason(db, tmp_path, text, line, reason):
    path = tmp_path / "bad.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFormatError) as err:
        _load(path)
    assert reason in err.value.reason and err.value.line == line
    assert not Comment.objects.exists() and not Article.objects.exists()


def test_a_thread_of_spam_only_makes_no_article_when_spam_is_skipped(db, tmp_path):
    path = _write(tmp_path, [{"id": "t"}], [{"id": "1", "thread": "t", "spam": True}])
    summary = _load(path, skip_removed=True)
    assert summary.skipped == 1 and summary.threads == 0
    assert not Article.objects.exists()
