"""The public search page: publications and comments, with filters and pages."""

from urllib.parse import urlencode

from django.db import router
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import params
from discussion.models import Comment
from newsroom.models import Section
from search import queries, sql, words

KINDS = ("all", "articles", "comments")


def too_slow() -> str:
    return _("This search took too long: add a word, or narrow it with a section, an author or dates.")


def notes_for(query: words.Query, f: queries.Filters) -> list[str]:
    """What the reader is told about their query: why nothing was looked for, what was cut."""
    notes = []
    if query.problem == "nothing":
        notes.append(_("Punctuation and search operators alone find nothing: type a word to look for."))
    elif query.problem == "only_excluded":
        notes.append(_("Type a word to look for as well as the words to leave out (-word): "
                       "leaving words out alone finds nothing."))
    if query.trimmed:
        notes.append(ngettext("The search was too long: only its first %(n)d word was looked for.",
                              "The search was too long: only its first %(n)d words were looked for.",
                              words.MAX_WORDS) % {"n": words.MAX_WORDS})
    return notes + f.errors


def echo(raw: str) -> str:
    """The query as the page repeats it: cleaned, spaces collapsed, no longer than is read."""
    return " ".join(words.clean(raw or "").split())[:words.MAX_QUERY_CHARS]


def link_maker(request, keep: tuple[str, ...]):
    """`link(page=2, kind="comments")`: this search's address with those parameters changed."""
    base = {k: echo(request.GET.get(k, "")) for k in keep if request.GET.get(k)}

    def link(**changes) -> str:
        merged = {**base, **{k: v for k, v in changes.items() if v not in (None, "")}}
        for k, v in changes.items():
            if v in (None, ""):
                merged.pop(k, None)
        if merged.get("page") == 1:
            merged.pop("page")
        return "?" + urlencode(merged)

    return link


def search(request):
    raw = request.GET.get("q", "")
    query = words.parse(raw)
    kind = request.GET.get("kind", "all")
    kind = kind if kind in KINDS else "all"
    f = queries.read_filters(request.GET)
    number = params.page(request.GET.get("page"), high=queries.MAX_PAGE)
    found_articles = found_comments = None
    notes = notes_for(query, f)
    if query.ok:
        try:
            # One time limit (one transaction) around both kinds and their snippets.
            with sql.time_limit(router.db_for_read(Comment)):
                if kind in ("all", "articles"):
                    found_articles = queries.articles(query, f, number if kind == "articles" else 1,
                                                      None if kind == "articles" else queries.ARTICLES_BESIDE_COMMENTS)
                if kind in ("all", "comments"):
                    found_comments = queries.comments(request.user, query, f, number)
        except sql.TooSlow:
            notes.append(too_slow())
    link = link_maker(request, ("q", "kind", "section", "author", "from", "to"))
    paged = found_comments if kind != "articles" else found_articles
    return render(request, "search/search.html", {
        "q": echo(raw), "query": query, "kind": kind, "filters": f, "notes": notes,
        "articles": found_articles, "comments": found_comments, "paged": paged,
        "sections": Section.objects.all(),
        "links": {"all": link(kind=None, page=None), "articles": link(kind="articles", page=None),
                  "comments": link(kind="comments", page=None),
                  "previous": link(page=number - 1) if paged and paged.has_previous else "",
                  "next": link(page=number + 1) if paged and paged.has_next else ""},
        "since": request.GET.get("from", "")[:10] if f.since else "",
        "until": request.GET.get("to", "")[:10] if f.until else "",
    })
