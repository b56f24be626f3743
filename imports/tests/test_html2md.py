"""HTML from other systems becomes the Markdown Veche stores, and nothing more."""

import pytest

from core.markup import render_article, render_comment
from imports.html2md import escape, html_to_markdown, safe_href
from imports.tests.helpers import HOSTILE_HTML, assert_inert


@pytest.mark.parametrize(("html", "markdown"), [
    ("<p>One.</p><p>Two.</p>", "One.\n\nTwo."),
    ("<p>Line one<br>line two</p>", "Line one\nline two"),
    ("<p>An <em>em</em>, a <strong>strong</strong>, <i>i</i> and <b>b</b>.</p>",
     "An *em*, a **strong**, *i* and **b**."),
    ("<p>Space <em> inside </em> emphasis</p>", "Space *inside* emphasis"),
    ('<p><a href="https://example.org/a_(b)">a link</a></p>', "[a link](<https://example.org/a_(b)>)"),
    ('<a href="https://example.org/x y">spaced</a>', "[spaced](<https://example.org/x%20y>)"),
    ('<a href="/relative">relative</a>', "relative"),
    ("<blockquote><p>Quoted.</p></blockquote><p>Reply.</p>", "> Quoted.\n\nReply."),
    ("<blockquote>outer<blockquote>inner</blockquote>outer again</blockquote>",
     "> outer\n>\n> > inner\n>\n> outer again"),
    ("<p>Markdown *stars* _under_ [brackets](x) `ticks` &lt;tag&gt; &amp; \\ back</p>",
     "Markdown \\*stars\\* \\_under\\_ \\[brackets\\](x) \\`ticks\\` \\<tag\\> \\& \\\\ back"),
    ("<p>&gt; not a quote</p>", "\\> not a quote"),
    ("<code>x = `y`</code>", "`` x = `y` ``"),
    ("<ul><li>first</li><li>second</li></ul>", "- first\n- second"),
    ("<b>open across<p>a block</p></b>", "**open across**\n\n**a block**"),
    ("<p>unclosed <b>bold", "unclosed **bold**"),
    ("<script>alert(1)</script><style>p{}</style>text", "text"),
    ('<img src="https://example.org/cat.png" alt="a cat">', "[a cat](<https://example.org/cat.png>)"),
    ("<img src=x onerror=alert(1)>", ""),
    ("", ""),
    ("   <p>  </p> ", ""),
    ("שלום <b>עולם</b> \u202eevil\u202c 東京", "שלום **עולם** \u202eevil\u202c 東京"),
    ("non\u00a0breaking", "non\u00a0breaking"),
])
def test_comment_html(html, markdown):
    assert html_to_markdown(html) == markdown


def test_wordpress_text_reads_blank_lines_as_paragraphs():
    text = "First line\nsecond line\n\nNew <b>paragraph</b>"
    assert html_to_markdown(text, autop=True) == "First line\nsecond line\n\nNew **paragraph**"


def test_articles_keep_headings_lists_and_code_and_escape_line_starts():
    html = ("<h2>Heading</h2><p>- not a list</p><p>1. not a list either</p>"
            "<ol><li>one</li><li>two</li></ol><pre>x = 1\n```\n</pre><p># not a heading</p>")
    md = html_to_markdown(html, article=True)
    assert md == ("## Heading\n\n\\- not a list\n\n1\\. not a list either\n\n1. one\n2. two\n\n"
                  "````\nx = 1\n```\n````\n\n\\# not a heading")
    rendered = render_article(md)
    assert "<h2" in rendered and "<ol>" in rendered and "<pre>" in rendered
    assert rendered.count("<li") == 2


def test_links_only_with_safe_schemes():
    assert safe_href("https://example.org") == "https://example.org"
    assert safe_href("//example.org/x") == "https://example.org/x"
    assert safe_href("mailto:a@example.org") == "mailto:a@example.org"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "java\nscript:alert(1)",
                "jav\tascript:x", "data:text/html,x", "vbscript:x", "/local", "#frag", "http://[::1"):
        assert safe_href(bad) is None, bad


def test_hostile_html_comes_out_inert():
    html = render_comment(html_to_markdown(HOSTILE_HTML))
    assert_inert(html, text_too=True)
    assert "js link" in html and "**" not in html and "<strong>bold</strong>" in html


def test_escaped_text_renders_back_to_itself():
    text = "a*b_c [d](e) `f` <g> & \\h > i # j"
    assert render_comment(escape(text)) == "<p>a*b_c [d](e) `f` &lt;g&gt; &amp; \\h &gt; i # j</p>"
