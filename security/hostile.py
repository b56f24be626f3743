"""The hostile-input corpora, and a checker of HTML against Veche's allow-list."""

import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from conftest import SHARED, need_shared

CORPORA = SHARED / "corpora"
SAFE_SCHEMES = {"", "http", "https", "mailto"}
COMMENT_TAGS = {"p", "br", "em", "strong", "a", "blockquote", "img", "code", "cite"}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "svg", "math", "base", "frame", "frameset", "applet",
                  "xml", "xss", "link", "meta", "template", "noscript", "audio", "video", "marquee"}


def xss_payloads() -> list[str]:
    folder = need_shared(CORPORA / "xss")
    out: list[str] = []
    for path in sorted(folder.glob("*.txt")):
        for line in path.read_bytes().decode("utf-8", errors="replace").splitlines():
            line = line.rstrip("\r")
            if line.strip():
                out.append(line)
    return out


def naughty_strings() -> list[str]:
    path = need_shared(CORPORA / "blns" / "blns.json")
    return [s for s in json.loads(path.read_text(encoding="utf-8")) if s.strip()]


def sqli_payloads() -> list[str]:
    folder = need_shared(CORPORA / "sqli")
    out: list[str] = []
    for path in sorted(folder.iterdir()):
        if path.name == "LICENSE" or not path.is_file():
            continue
        for line in path.read_bytes().decode("utf-8", errors="replace").splitlines():
            line = line.rstrip("\r")
            if line.strip():
                out.append(line)
    return out


class _Checker(HTMLParser):
    def __init__(self, allowed: set[str] | None):
        super().__init__(convert_charrefs=True)
        self.allowed = allowed
        self.problems: list[str] = []
        self.script_ok = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.allowed is not None and tag not in self.allowed:
            self.problems.append(f"tag <{tag}> outside the allow-list")
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"forbidden tag <{tag}>")
        if tag == "script" and not ((a.get("src") or "").startswith("/static/") or a.get("type") == "application/json"):
            self.problems.append(f"script {attrs}")
        if tag == "style" and "nonce" not in a:
            self.problems.append("a style element without the page's nonce")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}= on <{tag}>")
            if name in ("href", "src", "action", "formaction", "xlink:href", "background", "poster") and value:
                scheme = urlsplit(value.strip()).scheme.lower()
                if scheme not in SAFE_SCHEMES:
                    self.problems.append(f"{name}={value[:60]!r} on <{tag}>")
            if name == "style":
                self.problems.append(f"inline style on <{tag}>")
            if name == "srcdoc":
                self.problems.append(f"{name} on <{tag}>")

    handle_startendtag = handle_starttag


def problems(html: str, allowed: set[str] | None = None) -> list[str]:
    """What in `html` breaks the rules: tags outside `allowed` (when given), event handlers,
    unsafe URL schemes, scripts other than Veche's own files, inline styles."""
    checker = _Checker(allowed)
    if "<body" in html:  # a whole page: Veche's own <head> is not member input
        html = html[html.index("<body"):]
    checker.feed(html)
    checker.close()
    return checker.problems


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")
