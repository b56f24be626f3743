"""The comment markup's weight: elements and bytes per comment of a seeded 1,000-comment
discussion, as the article page sends it (presence filled in; also as rendered, slots unfilled,
and with every author's rating in the slot), the comments' own text (the body a member wrote,
inside div.c-text) counted apart.

    python -m bench.markup            # its own SQLite database under var/bench-markup

Figures, not assertions: discussion/tests/test_markup_weight.py holds the limit."""

import gzip
import os
import statistics
import sys
import time
from html.parser import HTMLParser
from pathlib import Path


class Weigh(HTMLParser):
    """Counts elements and the bytes of the comments' own text (div.c-text and what it holds)."""

    VOID = {"br", "img", "hr", "input", "wbr", "source", "meta", "link"}

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.elements = self.body_elements = 0
        self.depth_in_body = 0  # >0 inside a div.c-text
        self.comments = 0

    def handle_starttag(self, tag, attrs):
        if self.depth_in_body:
            self.body_elements += 1
            if tag not in self.VOID:
                self.depth_in_body += 1
            return
        self.elements += 1
        a = dict(attrs)
        if tag == "li" and "comment" in (a.get("class") or "").split():
            self.comments += 1
        if tag == "div" and "c-text" in (a.get("class") or "").split():
            self.depth_in_body = 1

    def handle_startendtag(self, tag, attrs):
        if self.depth_in_body:
            self.body_elements += 1
        else:
            self.elements += 1

    def handle_endtag(self, tag):
        if self.depth_in_body:
            self.depth_in_body -= 1


def weigh(html: str, bodies: int) -> dict:
    """Per comment: elements (the body's own excluded), and bytes beyond the body's bytes."""
    w = Weigh()
    w.feed(html)
    n = max(w.comments, 1)
    total = len(html.encode())
    return {"comments": w.comments, "elements": w.elements / n, "body_elements": w.body_elements / n,
            "bytes": total / n, "bytes_beyond_text": (total - bodies) / n}


def main() -> None:
    var = Path(os.environ.setdefault("VECHE_VAR_DIR", str(Path("var/bench-markup").resolve())))
    var.mkdir(parents=True, exist_ok=True)
    os.environ.pop("VECHE_DATABASE_URL", None)
    os.environ.pop("VECHE_REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ.setdefault("VECHE_DEBUG", "1")  # static addresses without a collected manifest
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import translation

    call_command("migrate", "--noinput", verbosity=0)
    from bench import seed
    from core.cache import memo_later
    from discussion import decor, page, render

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    article = seed.seed_discussion(f"bench-markup-{n}", n, seed.members())
    with translation.override("en"):
        nodes, *_ = page._load(article, "oldest", 1, None)
        rendered = render.render_thread(nodes, decor=decor.for_article(article))
        html = render.fill_one(rendered, "t" * 64, {}, {})
        authors = {n.comment.author_id for n in nodes}
        rated = render.fill_one(rendered, "t" * 64, {}, dict.fromkeys(authors, 3))
    bodies = sum(len(nd.comment.body_html.encode())
                 for nd in nodes if nd.comment.status == "visible")
    figures = weigh(html, bodies)
    for name, variant in (("render_thread's output (slots unfilled)", rendered),
                          ("with every author's rating in the slot as well", rated)):
        f = weigh(variant, bodies)
        print(f"{name}: {f['elements']:.1f} elements per comment, {f['bytes_beyond_text']:.0f} bytes beyond the text")
    times = []
    with translation.override("en"):
        for _ in range(7):  # a render from nothing: no kept fragments or bylines
            memo_later.flush()  # the last render's fragments, kept after it, must not land in this one
            render.fragments.clear()
            render._bylines.clear()
            started = time.perf_counter()
            render.render_thread(nodes, decor=decor.for_article(article))
            times.append((time.perf_counter() - started) * 1000)
    print(f"the thread gzipped (level 6): {len(gzip.compress(html.encode(), 6)) / max(figures['comments'], 1):.0f} bytes per comment")
    print(f"render_thread from nothing: {statistics.median(times):.1f} ms (median of 7)")
    print(f"{figures['comments']} comments: {figures['elements']:.1f} elements per comment "
          f"(+{figures['body_elements']:.1f} of their own text), {figures['bytes']:.0f} bytes per comment, "
          f"{figures['bytes_beyond_text']:.0f} beyond the comments' own text")


if __name__ == "__main__":
    main()
