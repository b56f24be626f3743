"""What crawlers read to find the publication: sitemaps (Django's framework), a Google News
sitemap of the last two days, and robots.txt.

Every address in them is absolute and made from VECHE_SITE_URL, whatever host a request came
by. Only published articles are listed (Article.objects.published(): never a draft, never one
scheduled for later), and an article's lastmod is the later of its own last change and its
discussion's (its latest public comment, written or edited): a search engine comes back for
new comments too. The answers are the same for every reader, so any cache may keep them for
a few minutes (SITEMAP_SECONDS)."""

from datetime import datetime, timedelta
from functools import wraps

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import DateTimeField, Exists, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from newsroom import seo
from newsroom.models import Article, Author, Section, Tag

SITEMAP_SECONDS = 300  # how long a cache may keep a sitemap: new articles show within minutes
ROBOTS_SECONDS = 3600
NEWS_WINDOW = timedelta(days=2)  # Google News reads articles of the last two days only…
NEWS_MAX = 1000  # …and at most this many in one news sitemap


def _briefly(seconds: int):
    """The answer is the same for every reader: any cache may keep it `seconds`."""
    def decorate(view):
        @wraps(view)
        def inner(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                patch_cache_control(response, public=True, max_age=seconds)
            return response
        return inner
    return decorate


def _latest_public_comment():
    """The time of an article's latest public comment, written or edited (an edit is never
    before its comment's writing, so the latest of the two is the latest edit, else writing)."""
    from discussion.models import Comment

    return Subquery(Comment.objects.filter(article_id=OuterRef("pk"), status=Comment.Status.VISIBLE)
                    .order_by().values("article_id").annotate(t=Max(Coalesce("edited", "created")))
                    .values("t")[:1], output_field=DateTimeField())


def lastmod(article, latest_comment: datetime | None) -> datetime:
    """The later of the article's own last change and its latest public comment."""
    changed = seo.modified_at(article)
    return _seconds(max(changed, latest_comment) if latest_comment else changed)


def _seconds(moment: datetime | None) -> datetime | None:
    """To the second: what a crawler compares, and a shorter sitemap."""
    return moment.replace(microsecond=0) if moment else None


class _OurSite(Sitemap):
    """Addresses from VECHE_SITE_URL rather than the request's host."""

    def get_urls(self, page=1, site=None, protocol=None):
        scheme, domain = seo.site_parts()
        return self._urls(page, scheme, domain)


class ArticleSitemap(_OurSite):
    def items(self):
        return (Article.objects.published().only("slug", "published_at", "updated_at")
                .annotate(latest_comment=_latest_public_comment()).order_by("-published_at", "-id"))

    def lastmod(self, item):
        return lastmod(item, item.latest_comment)

    def get_latest_lastmod(self):
        """For the index, in two aggregates rather than one row per article."""
        from discussion.models import Comment

        newest = Article.objects.published().aggregate(t=Max("published_at"))["t"]
        talk = Comment.objects.public().aggregate(t=Max(Coalesce("edited", "created")))["t"]
        return _seconds(max((t for t in (newest, talk) if t), default=None))


class _ListingSitemap(_OurSite):
    """Sections, tags or authors with a published article, last modified at their newest one."""

    model = None  # Section, Tag or Author

    def items(self):
        now = timezone.now()
        shown = Q(articles__state__in=Article.SHOWN, articles__published_at__lte=now)
        return (self.model.objects.annotate(latest=Max("articles__published_at", filter=shown))
                .filter(latest__isnull=False).order_by(*self.model._meta.ordering, "id"))

    def lastmod(self, item):
        return _seconds(item.latest)

    def get_latest_lastmod(self):
        return _seconds(Article.objects.published().aggregate(t=Max("published_at"))["t"])


class SectionSitemap(_ListingSitemap):
    model = Section


class TagSitemap(_ListingSitemap):
    model = Tag


class AuthorSitemap(_ListingSitemap):
    model = Author


class MemberSitemap(_OurSite):
    """The profiles their members let search engines index (accounts: Member.profile_indexable)
    and that list a public comment, of active accounts — exactly the profiles that do not
    say noindex (accounts.views.profile_head) — last modified at their latest public comment,
    written or edited. A member is listed once a first public comment is found (an index walk
    that stops there); the latest is read for the listed ones only."""

    @staticmethod
    def _public():
        from discussion.models import Comment

        return Comment.objects.public()

    def _members(self):
        from accounts.models import Member

        return Member.objects.filter(profile_indexable=True, is_active=True, is_deleted=False).filter(
            Exists(self._public().filter(author_id=OuterRef("pk"))))

    def items(self):
        latest = Subquery(self._public().filter(author_id=OuterRef("pk")).order_by()
                          .values("author_id").annotate(t=Max(Coalesce("edited", "created"))).values("t")[:1],
                          output_field=DateTimeField())
        return self._members().only("login").annotate(latest=latest).order_by("id")

    def location(self, item):
        return item.get_absolute_url()

    def lastmod(self, item):
        return _seconds(item.latest)

    def get_latest_lastmod(self):
        """For the index: one pass over the public comments of the members who opted in."""
        return _seconds(self._public().filter(author__profile_indexable=True, author__is_active=True,
                                              author__is_deleted=False)
                        .aggregate(t=Max(Coalesce("edited", "created")))["t"])


SITEMAPS = {"articles": ArticleSitemap, "sections": SectionSitemap, "tags": TagSitemap,
            "authors": AuthorSitemap, "members": MemberSitemap}


@_briefly(SITEMAP_SECONDS)
@sitemap_views.x_robots_tag
def index(request):
    """The sitemap index, as django.contrib.sitemaps.views.index, with our addresses."""
    items = []
    for name, cls in SITEMAPS.items():
        sitemap = cls()
        location = seo.absolute(reverse("newsroom:sitemap-section", args=[name]))
        latest = sitemap.get_latest_lastmod()
        items.append(sitemap_views.SitemapIndexItem(location, latest))
        items += [sitemap_views.SitemapIndexItem(f"{location}?p={n}", latest)
                  for n in range(2, sitemap.paginator.num_pages + 1)]
    return TemplateResponse(request, "sitemap_index.xml", {"sitemaps": items},
                            content_type="application/xml")


@_briefly(SITEMAP_SECONDS)
def part(request, section):
    return sitemap_views.sitemap(request, SITEMAPS, section=section, template_name="newsroom/sitemap.xml")


@_briefly(SITEMAP_SECONDS)
@sitemap_views.x_robots_tag
def news(request):
    """The Google News sitemap: the articles published in the last NEWS_WINDOW."""
    now = timezone.now()
    articles = (Article.objects.published(now).filter(published_at__gte=now - NEWS_WINDOW)
                .only("title", "slug", "published_at").order_by("-published_at", "-id")[:NEWS_MAX])
    language = settings.LANGUAGE_CODE.lower()
    if not language.startswith("zh"):  # Google News takes ISO 639 codes; zh-cn, zh-tw alone
        language = language.split("-")[0]
    body = render_to_string("newsroom/sitemap_news.xml", {
        "items": [(seo.absolute(a.get_absolute_url()), seo.iso(a.published_at), a.title) for a in articles],
        "publication": settings.VECHE_SITE_NAME, "language": language})
    return HttpResponse(body, content_type="application/xml")


# What no crawler has business reading: forms and a member's own pages, moderation and the
# editors' insight, the admin, the APIs (the articles are on their pages), actions on comments
# (replying, editing, voting, reporting: each a form or a POST), a member's ignore button and
# comment feed, the live stream and the thread fragment a page fetches, and search results
# (endless combinations of the same articles). The sign-up page is the publication's
# invitation and stays crawlable. Wildcards as RFC 9309 (and every large search engine) read them.
#
# Keeping a page out of search results is not done here. A Disallow keeps crawlers from reading
# a page, not from listing its address (found in a link, it shows up with no text), and it hides
# the page's own noindex from them. So member profiles are not disallowed: each says for itself
# whether it may be indexed (`<meta name="robots" content="noindex">`, accounts.views.profile_head),
# and it is noindex unless the member chose to be found in their settings and it lists a public
# comment; a deleted account's page is noindex too. A reader's comments are found on the
# articles they speak on; a profile gathering them is listed only when its member wants it.
DISALLOW = (
    "/signin/", "/signout/", "/password-reset/", "/account/", "/replies/", "/auth/",
    "/notifications/", "/follow/",
    "/members/*/ignore/", "/members/*/comments/",
    "/moderation/", "/insight/", "/admin/", "/api/", "/search/", "/comments/",
    "/articles/*/comments/", "/articles/*/thread/", "/articles/*/events/",
    "/editorial/",  # the editors' workspace
    "/healthz", "/readyz", "/metrics",  # the operator's probes
)


@_briefly(ROBOTS_SECONDS)
def robots(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOW), "Allow: /", "",
             f"Sitemap: {seo.absolute(reverse('newsroom:sitemap'))}",
             f"Sitemap: {seo.absolute(reverse('newsroom:sitemap-news'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
