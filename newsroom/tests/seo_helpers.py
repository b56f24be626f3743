"""Reading back what a page says to search engines: its head tags and its JSON-LD, with an
HTML parser (html.parser), as a crawler would."""

import json
from html.parser import HTMLParser

SITE = "https://news.example.org"


class HeadReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}  # name or property → contents, in order
        self.links: dict[str, list[str]] = {}  # rel → hrefs
        self.scripts: list[dict] = []  # every <script>: its attributes and text
        self.anchors: list[str] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and ("name" in a or "property" in a):
            self.meta.setdefault(a.get("name") or a["property"], []).append(a.get("content", ""))
        elif tag == "link" and "rel" in a:
            self.links.setdefault(a["rel"], []).append(a.get("href", ""))
        elif tag == "script":
            self._script = {"attrs": a, "text": ""}
            self.scripts.append(self._script)
        elif tag == "a" and "href" in a:
            self.anchors.append(a["href"])

    def handle_data(self, data):
        if self._script is not None:
            self._script["text"] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def one(self, key: str) -> str:
        values = self.meta.get(key, [])
        assert len(values) == 1, f"{key}: {values}"
        return values[0]

    @property
    def canonical(self) -> str:
        assert len(self.links.get("canonical", [])) == 1, self.links
        return self.links["canonical"][0]

    @property
    def json_ld(self) -> list[dict]:
        return [json.loads(s["text"]) for s in self.scripts if s["attrs"].get("type") == "application/ld+json"]

    @property
    def article(self) -> dict:
        found = [d for d in self.json_ld if d.get("@type") == "NewsArticle"]
        assert len(found) == 1, self.json_ld
        return found[0]

    def seo(self) -> tuple:
        """Everything the page says to crawlers, for comparing two readers' copies."""
        wanted = {k: v for k, v in self.meta.items() if k not in ("viewport", "color-scheme")}
        return sorted(wanted.items()), self.links.get("canonical"), self.json_ld


def read(html: str) -> HeadReader:
    reader = HeadReader()
    reader.feed(html)
    reader.close()
    return reader


def ld_text(html: str) -> str:
    """The raw text of the page's JSON-LD elements, as sent."""
    return "".join(s["text"] for s in read(html).scripts if s["attrs"].get("type") == "application/ld+json")
