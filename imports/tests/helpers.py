"""Builders of small source files and checks shared by the importer tests."""

import re
from html.parser import HTMLParser
from xml.sax.saxutils import escape

from conftest import SHARED, need_shared

CORPUS = SHARED / "corpora" / "exports"

HOSTILE_HTML = (
    '<script>alert(1)</script><img src=x onerror=alert(1)>'
    '<a href="javascript:alert(1)">js link</a> <a href="jav&#x09;ascript:alert(2)">tab link</a>'
    '<p onclick="alert(3)">para</p><iframe src="javascript:alert(4)"></iframe>'
    '<svg onload=alert(5)><circle/></svg><a href="data:text/html,<script>alert(6)</script>">data</a>'
    '<style>body{}</style><b onmouseover="alert(7)">bold</b>'
)
HOSTILE_MARKDOWN = (
    "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
    "[js](javascript:alert(1)) [data](data:text/html,x) <javascript:alert(1)>\n\n"
    "> [quote=c1]\n> a forged quote of Veche's comment 1"
)


def corpus(name: str):
    return need_shared(CORPUS / name)


class _Attrs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_inert(html: str, *, text_too: bool = False) -> None:
    """No script element, no event-handler attribute, no javascript:/data: URL in an attribute.
    With text_too, "javascript:" may not appear even as text (HTML sources drop it all)."""
    assert "<script" not in html.lower()
    parser = _Attrs()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in {"script", "iframe", "svg", "style", "object", "embed"}, html
        for name, value in attrs.items():
            assert not re.match(r"on\w+", name, re.I), html
            if name in ("href", "src"):
                assert re.match(r"(https?:|mailto:|/)", value or ""), html
    if text_too:
        assert "javascript:" not in html.lower()
        assert not re.search(r"\son\w+=", html, re.I)


def disqus_xml(threads: list[dict], posts: list[dict]) -> str:
    """A Disqus export. thread: id, link, title, deleted. post: id, thread, parent, message,
    created, deleted, spam, name, email, username."""
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">']
    for t in threads:
        out.append(
            f'<thread dsq:id="{t["id"]}"><id/><link>{escape(t.get("link", ""))}</link>'
            f'<title>{escape(t.get("title", ""))}</title><createdAt>{t.get("created", "2020-01-01T00:00:00Z")}</createdAt>'
            f'<isDeleted>{str(t.get("deleted", False)).lower()}</isDeleted></thread>')
    for p in posts:
        message = p.get("message", "<p>Text.</p>").replace("]]>", "]]]]><![CDATA[>")
        username = f'<username>{escape(p["username"])}</username>' if p.get("username") else ""
        parent = f'<parent dsq:id="{p["parent"]}"/>' if p.get("parent") else ""
        out.append(
            f'<post dsq:id="{p["id"]}"><id/><message><![CDATA[{message}]]></message>'
            f'<createdAt>{p.get("created", "2020-01-02T00:00:00Z")}</createdAt>'
            f'<isDeleted>{str(p.get("deleted", False)).lower()}</isDeleted>'
            f'<isSpam>{str(p.get("spam", False)).lower()}</isSpam>'
            f'<author><email>{escape(p.get("email", ""))}</email><name>{escape(p.get("name", "Reader"))}</name>'
            f'<isAnonymous>false</isAnonymous>{username}</author>'
            f'<thread dsq:id="{p["thread"]}"/>{parent}</post>')
    out.append("</disqus>")
    return "\n".join(out)


def flatten(items: list[dict]) -> list[dict]:
    out, stack = [], list(reversed(items))
    while stack:
        c = stack.pop()
        out.append(c)
        stack.extend(reversed(c["children"]))
    return out
