"""Reading the publication: front page, archives, the article with its discussion, feeds."""

import uuid
from time import perf_counter

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core import pagecache, params, statements
from core.text import drop_nul
from curation import page as curation_page
from discussion import page as discussion_page
from newsroom import images, memberlisting, memberpage, seo, sql, variations
from newsroom.actions import do_record_view
from newsroom.models import Article, Author, Section, Tag
from ops import metrics
from visits import marks as visits

PER_PAGE = 20


def _listing(request, queryset, template: str, context: dict, about: tuple[str, str] | None = None):
    """A page of articles; `about` is its (title, description) for search engines and previews."""
    paginator = Paginator(
        queryset.select_related("section", "author").only(
            "title", "slug", "lead", "published_at", "views", "comment_count",
            "section__name", "section__slug", "author__name", "author__slug",
        ),
        PER_PAGE,
    )
    page = paginator.get_page(params.page(request.GET.get("page")))
    images.attach(page.object_list)  # the first cards' pictures load at once, the rest lazily
    memberlisting.attach(request.user, page.object_list)  # beside what they follow: what is new to them
    if about is not None:
        context = {**context, "seo": seo.listing_head(request, page, *about)}
    return render(request, template, {**context, "page_obj": page, "articles": page.object_list,
                                      "sections": Section.objects.all()})


def front(request):
    site = settings.VECHE_SITE_NAME
    return _listing(request, Article.objects.published(), "newsroom/front.html", {},
                    (site, _("The latest publications of %(site)s and their readers’ discussions.")
                     % {"site": site}))


def section(request, slug):
    obj = get_object_or_404(Section, slug=slug)
    return _listing(request, Article.objects.published().filter(section=obj),
                    "newsroom/listing.html", {"heading": obj.name, "kind": _("Section"), "obj": obj,
                                              "feed_url": f"/section/{obj.slug}/feed/"},
                    (obj.name, obj.description.strip() or _("Publications in %(name)s.") % {"name": obj.name}))


def tag(request, slug):
    obj = get_object_or_404(Tag, slug=slug)
    return _listing(request, Article.objects.published().filter(tags=obj),
                    "newsroom/listing.html", {"heading": obj.name, "kind": _("Tag"), "obj": obj},
                    (obj.name, _("Publications tagged %(name)s.") % {"name": obj.name}))


def author(request, slug):
    obj = get_object_or_404(Author, slug=slug)
    return _listing(request, Article.objects.published().filter(author=obj),
                    "newsroom/listing.html", {"heading": obj.name, "kind": _("Author"), "obj": obj},
                    (obj.name, obj.bio.strip() or _("Publications by %(name)s.") % {"name": obj.name}))


def published_article(slug: str) -> Article:
    """A published article with the names and addresses of its section and author, read by
    one statement written once (the ORM compiled the same query anew for every page: two
    thirds of its time), its columns converted as the model's fields convert them
    (core.statements.Columns; a RawQuerySet did that work afresh on every page)."""
    db = statements.reading(Article)
    row = statements.one(sql.ARTICLE, [slug, *sql.shown_params(statements.time(timezone.now(), db))], db)
    if row is None:
        raise Http404(_("No such publication."))
    obj = sql.ARTICLE_COLUMNS.instance(row, db)
    section_id, section_name, section_slug, author_id, author_name, author_slug, author_member = \
        row[len(sql.ARTICLE_COLUMNS):]
    obj.section = Section.from_db(db, ["id", "name", "slug"], [section_id, section_name, section_slug])
    obj.author = None if author_id is None else Author.from_db(
        db, ["id", "name", "slug", "member_id"], [author_id, author_name, author_slug, author_member])
    return obj


def article_tags(obj: Article) -> list[Tag]:
    db = statements.reading(Tag)
    found = statements.read_ahead(sql.TAGS, [obj.pk])
    if found is None:
        found = statements.rows(sql.TAGS, [obj.pk], db)
    return [sql.TAG_COLUMNS.instance(row, db) for row in found]


def _page_reads(obj: Article) -> list[tuple[str, list]]:
    """What an article page asks the database besides its discussion — its tags and lead
    image — read ahead together: one round trip on PostgreSQL where each was one
    (core.statements.ahead). The header's sections are kept by each process for a minute
    (config.context_processors), so a page rarely asks for them."""
    return [(sql.TAGS, [obj.pk]), *images.lead_reads([obj.pk])]


def article(request, slug):
    started = perf_counter()
    if request.user.has_perm("newsroom.change_article"):  # editors preview drafts and scheduled articles
        obj = get_object_or_404(Article.objects.select_related("section", "author"), slug=slug)
    else:
        obj = published_article(slug)
    with statements.ahead(_page_reads(obj), statements.reading(Tag)):
        return _article_page(request, obj, started)


def _article_page(request, obj: Article, started: float):
    views = do_record_view(obj)
    order = request.GET.get("order", "oldest")
    if order not in discussion_page.ORDERS:
        order = "oldest"
    cpage = params.page(request.GET.get("p", "1"))
    # An anonymous reader without a session sees what every such reader sees: the finished
    # page is kept for the ASGI front (core.pagecache), under the generation read first.
    # A member's page is a skeleton with slots (newsroom.memberpage), kept the same way when
    # it is the one every member sees, and filled for this member.
    member = request.user if request.user.is_authenticated else None
    shared = (member is None and obj.is_visible()
              and settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES)
    variant = variations.variant(request.META.get("QUERY_STRING", "").encode()) if (shared or member) else None
    gen = pagecache.generation(obj.pk) if variant else None
    token = memberpage.MARKERS["token"] if member else None
    discussion = discussion_page.for_viewer(request, obj, order, cpage, shared=shared, token=token)
    # The thread (hundreds of KB) is spliced into the rendered page rather than passed
    # through the template engine, which would copy it at every level of nesting; nor is it
    # left in the template's context, whose dictionaries refer to each other: the collector
    # frees them only at its next full pass, and a thread held that long per render filled
    # the worker's memory and made every render touch fresh pages.
    thread_html = discussion.pop("thread_html")
    draft = request.session.get("comment_draft") if member else None
    if draft and draft.get("article") != obj.pk:
        draft = None
    if draft:  # a session kept before drafts lost their NULs may still hold some
        draft = {**draft, "body": drop_nul(str(draft.get("body") or ""))}
    tags = article_tags(obj)
    lead_image = images.leads([obj.pk], eager=1).get(obj.pk)
    head, structured = seo.article_head(obj, tags, discussion["page"], discussion["order"], lead_image)
    response = render(request, "newsroom/article.html", {
        "article": obj,
        "lead_image": lead_image,
        "views": views,
        "tags": tags,
        "seo": head,
        "discussion": discussion,
        "picks": curation_page.strip(obj),
        "closed_reason": obj.comments_closed_reason(),
        "draft": draft,
        "orders": discussion_page.order_choices(),
        "js_words": discussion_page.js_words(),
        "post_url": reverse("discussion:post", args=[obj.slug]),
        # The skeleton's slot markers, written by memberpage itself (no reader's text in them).
        **({"skeleton": {k: mark_safe(v) for k, v in memberpage.MARKERS.items()},  # noqa: S308
            "csrf_token": memberpage.MARKERS["token"], "idempotency_key": memberpage.MARKERS["idem"]}
           if member else {"idempotency_key": uuid.uuid4().hex}),
    })
    html = (response.content.replace(seo.JSON_LD_SLOT.encode(), structured, 1)
            .replace(b"<!--veche:thread-->", thread_html, 1))
    if member is None:
        response.content = html
        if variant:  # the page cache could have answered, had it held this page
            metrics.page_miss("page")
            if response.status_code == 200 and not response.cookies:
                pagecache.store("page", obj.pk, obj.slug, gen, variant, html, response["Content-Type"])
        metrics.ARTICLE_RENDER.labels("anonymous").observe(perf_counter() - started)
        return response
    skeleton = memberpage.Skeleton(html, gen)
    marks = discussion["marks"]
    if variant and obj.is_visible():  # (a draft an editor previews is never in the cache)
        metrics.page_miss("member")
        if memberpage.shareable(request, member, marks, draft):
            pagecache.store("member", obj.pk, obj.slug, gen, variant, skeleton, response["Content-Type"])
    new = []
    if obj.is_visible():  # what an editor previews is not a visit
        start = visits.baseline(member.pk, obj.pk, max(skeleton.ids, default=0))
        new = visits.pick(skeleton.ids, start, marks.own)
    response.content = skeleton.fill(memberpage.values(member, marks, get_token(request), request.csp_nonce,
                                                       article_id=obj.pk, new=new))
    metrics.ARTICLE_RENDER.labels("member").observe(perf_counter() - started)
    return response


class LatestFeed(Feed):
    """The site's Atom feed, titled in the reader's language (the feed is not kept)."""

    feed_type = Atom1Feed
    link = "/"

    def title(self):
        return _("%(site)s: latest publications") % {"site": settings.VECHE_SITE_NAME}

    def subtitle(self):
        return _("The latest publications")

    def items(self):
        return _with_leads(Article.objects.published().select_related("author")[:30])

    def item_enclosures(self, item):
        """The lead image, as an enclosure (what feed readers show beside an entry)."""
        from django.utils.feedgenerator import Enclosure

        lead = getattr(item, "lead_image", None)
        if lead is None:
            return []
        return [Enclosure(seo.absolute_media(lead.url), str(lead.length), lead.mime)]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead

    def item_pubdate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return item.author.name if item.author else None


class SectionFeed(LatestFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, obj):
        return f"{settings.VECHE_SITE_NAME}: {obj.name}"

    def link(self, obj):
        return obj.get_absolute_url()

    def subtitle(self, obj):
        return _("The latest publications in %(section)s") % {"section": obj.name}

    def items(self, obj):
        return _with_leads(Article.objects.published().filter(section=obj).select_related("author")[:30])


def _with_leads(articles) -> list[Article]:
    articles = list(articles)
    images.attach(articles)
    return articles
