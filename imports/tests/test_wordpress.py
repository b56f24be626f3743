"""WordPress WXR: articles with their comment trees, statuses, and hostile content."""

import pytest

from discussion.models import Comment
from imports import wordpress
from imports.common import Options
from imports.errors import ImportFormatError
from imports.tests.helpers import HOSTILE_HTML, assert_inert, corpus
from newsroom.models import Article

Status = Comment.Status


def _load(path, **options):
    return wordpress.load(path, Options(**options))


def _wxr(items: str, version: str = "1.2") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:excerpt="http://wordpress.org/export/{version}/excerpt/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/{version}/">
<channel><title>Blog</title><wp:wxr_version>{version}</wp:wxr_version>
<wp:author><wp:author_login>admin</wp:author_login></wp:author>
{items}
</channel></rss>"""


def _comment(cid, content, approved="1", parent="0", kind="", user="0", email="a@example.org",
             author="Reader", date="2020-05-01 10:00:00"):
    return f"""<wp:comment><wp:comment_id>{cid}</wp:comment_id>
<wp:comment_author><![CDATA[{author}]]></wp:comment_author>
<wp:comment_author_email>{email}</wp:comment_author_email>
<wp:comment_date_gmt>{date}</wp:comment_date_gmt>
<wp:comment_content><![CDATA[{content}]]></wp:comment_content>
<wp:comment_approved>{approved}</wp:comment_approved><wp:comment_type>{kind}</wp:comment_type>
<wp:comment_parent>{parent}</wp:comment_parent><wp:comment_user_id>{user}</wp:comment_user_id></wp:comment>"""


def _item(post_id, title, content, comments="", kind="post", status="publish", name=None, extra=""):
    return f"""<item><title>{title}</title><link>https://blog.example/{post_id}/</link>
<dc:creator><![CDATA[Anna Writer]]></dc:creator>
<content:encoded><![CDATA[{content}]]></content:encoded>
<excerpt:encoded><![CDATA[not the body]]></excerpt:encoded>
<wp:post_id>{post_id}</wp:post_id><wp:post_date_gmt>2020-04-30 08:00:00</wp:post_date_gmt>
<wp:post_name>{name or f"post-{post_id}"}</wp:post_name><wp:status>{status}</wp:status>
<wp:post_type>{kind}</wp:post_type><wp:comment_status>open</wp:comment_status>{extra}
{comments}</item>"""


def test_isso_corpus(db):
    summary = _load(corpus("isso/wordpress.xml"))
    assert summary.threads == 3 and summary.articles_created == 3
    assert summary.comments_created == 8
    test = Article.objects.get(slug="test")
    assert test.title == "Hello, World…" and test.source_url == "http://example.tld/2014/test/"
    assert test.comment_count == 7 and test.state == Article.State.PUBLISHED
    assert test.published_at.isoformat() == "2014-01-14T17:31:03+00:00"
    assert test.author.name == "Tester"
    c = {k.rsplit(":", 1)[1]: Comment.objects.get(source_key=k)
         for k in Comment.objects.filter(article=test).values_list("source_key", flat=True)}
    assert c["7"].parent == c["6"] and c["8"].parent == c["7"] and c["9"].parent == c["7"]
    assert c["7"].created.isoformat() == "2014-04-29T15:21:35+00:00"  # only the GMT date
    assert c["10"].body == "When you have a comment with multiple lines:\nWordPress exports it like this."
    assert c["10"].created.isoformat() == "2022-06-06T02:13:14+00:00"  # GMT, not the local date
    assert c["2"].author.email == "test@example.org"  # the multi-line email, trimmed
    # Tester with user_id 1, and Tester by email only on comment 7: one member.
    assert c["7"].author == c["6"].author
    assert Article.objects.get(title="No comments").comment_count == 0


def test_statuses_pingbacks_and_threads(db, tmp_path):
    comments = "".join([
        _comment(1, "visible", date="2020-05-01 10:00:00"),
        _comment(2, "held", approved="0"),
        _comment(3, "spam", approved="spam"),
        _comment(4, "trash", approved="trash"),
        _comment(5, "pingback", kind="pingback"),
        _comment(6, "reply to the spam", parent="3", date="2020-05-02 10:00:00"),
        _comment(7, "odd status", approved="maybe"),
    ])
    tags = ('<category domain="category" nicename="city"><![CDATA[City]]></category>'
            '<category domain="post_tag" nicename="bridges"><![CDATA[Bridges]]></category>')
    path = tmp_path / "wp.xml"
    path.write_text(_wxr(_item(10, "A &amp; B", "<p>Body</p>", comments, extra=tags)), encoding="utf-8")
    summary = _load(path)
    assert (summary.held, summary.removed, summary.deleted, summary.skipped) == (2, 1, 1, 1)
    article = Article.objects.get(slug="post-10")
    assert article.title == "A & B" and article.section.slug == "city"
    assert list(article.tags.values_list("slug", flat=True)) == ["bridges"]
    assert article.body == "Body" and article.comment_count == 2
    spam = Comment.objects.get(source_key="wordpress:10:3")
    assert spam.status == Status.REMOVED and spam.moderation_reason == "spam"
    assert Comment.objects.get(source_key="wordpress:10:6").parent == spam
    assert any("maybe" in w for w in summary.warnings)
    with_skip = Options(skip_removed=True)
    Comment.objects.all().delete()
    wordpress.load(path, with_skip)
    assert Comment.objects.filter(source_key="wordpress:10:3").exists()  # its reply needs it
    assert not Comment.objects.filter(source_key="wordpress:10:4").exists()


def test_pages_only_with_comments_and_drafts_stay_drafts(db, tmp_path):
    items = (_item(1, "Page without comments", "x", kind="page")
             + _item(2, "Attachment with a comment", "x", _comment(1, "hi"), kind="attachment")
             + _item(3, "Draft", "x", status="draft"))
    path = tmp_path / "wp.xml"
    path.write_text(_wxr(items, version="1.0"), encoding="utf-8")
    _load(path)
    assert sorted(Article.objects.values_list("title", "state")) == [
        ("Attachment with a comment", "published"), ("Draft", "draft")]


def test_hostile_content_and_comments_come_out_inert(db, tmp_path):
    items = _item(1, "<script>alert(1)</script>", HOSTILE_HTML + "<h2>Heading</h2>",
                  _comment(1, HOSTILE_HTML, author="<b>x</b>"))
    path = tmp_path / "wp.xml"
    path.write_text(_wxr(items), encoding="utf-8")
    _load(path)
    article = Article.objects.get()
    assert_inert(article.body_html, text_too=True)
    assert "<h2" in article.body_html
    assert_inert(Comment.objects.get().body_html, text_too=True)


def test_an_existing_article_is_matched_not_duplicated(db, make_article, tmp_path):
    existing = make_article(title="Already here", source_url="https://blog.example/1/")
    path = tmp_path / "wp.xml"
    path.write_text(_wxr(_item(1, "Already here", "<p>x</p>", _comment(1, "hi"))), encoding="utf-8")
    summary = _load(path)
    assert summary.articles_matched == 1 and summary.articles_created == 0
    assert Comment.objects.get().article == existing
    again = _load(path)
    assert again.comments_existing == 1 and Article.objects.count() == 1


def test_a_fault_half_way_keeps_the_items_before_it(db, tmp_path):
    text = _wxr(_item(1, "First", "x", _comment(1, "kept")) + "<item><title>Broken</title></itme>")
    path = tmp_path / "wp.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFormatError) as err:
        _load(path)
    assert "mismatched tag" in err.value.reason and err.value.line == text.count("\n", 0, text.index("</itme>")) + 1
    assert Comment.objects.count() == 1  # the whole first item stays; a re-run resumes


def test_not_a_wordpress_file(db, tmp_path):
    path = tmp_path / "x.xml"
    path.write_text('<?xml version="1.0"?><feed><entry/></feed>', encoding="utf-8")
    with pytest.raises(ImportFormatError, match="not a WordPress export"):
        _load(path)


def test_a_plain_rss_feed_is_not_an_export(db, tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text('<?xml version="1.0"?><rss version="2.0"><channel><item><title>News</title>'
                    "</item></channel></rss>", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="declares no wp: namespace"):
        _load(path)
    assert not Article.objects.exists()
