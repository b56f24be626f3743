"""Atom feeds of comments: an article's, a member's and the whole site's latest.

Only what every reader may read (Comment.objects.public(): visible comments of published
articles) — feeds are read signed out and shared by every subscriber, so they never vary by
viewer. Each entry links to the comment's permalink.

Cached in the shared cache (docs/caching.md, "Comment feeds"): an article's feed under the
article's page generation (newsroom.versions raises it for every change to what the page
shows: a comment posted, edited, hidden; the article itself), so it is never staler than the
page; the member and site feeds, which any article's change may alter, for FEED_TTL seconds,
and they are dropped after the commit of any comment written (posted, edited, its status
changed: a removed comment leaves them at once)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from accounts.models import Member
from core import pagecache
from discussion import signals
from discussion.models import Comment
from newsroom.models import Article

ENTRIES = 50  # comments a feed lists, newest first
FEED_TTL = 60  # seconds the member and site feeds may lag behind (a removed comment included)


class _CommentFeed(Feed):
    feed_type = Atom1Feed

    def cache_key(self, request, *args, **kwargs) -> str | None:
        return None

    def __call__(self, request, *args, **kwargs):
        key = self.cache_key(request, *args, **kwargs)
        if key is not None:
            hit = cache.get(key)
            if hit is not None:
                return HttpResponse(hit, content_type="application/atom+xml; charset=utf-8")
        response = super().__call__(request, *args, **kwargs)
        if key is not None and response.status_code == 200:
            cache.set(key, response.content, self.ttl)
        return response

    ttl: int | None = FEED_TTL

    def comments(self):
        return (Comment.objects.public().select_related("article", "author")
                .only("id", "body_html", "created", "article__title", "article__slug",
                      "author__login", "author__real_name").order_by("-id"))

    def item_title(self, item):
        return _("%(member)s on “%(article)s”") % {"member": item.author.display_name,
                                                   "article": item.article.title}

    def item_description(self, item):
        return item.body_html

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"{settings.VECHE_SITE_URL.rstrip('/')}{item.get_absolute_url()}"

    item_guid_is_permalink = True

    def item_pubdate(self, item):
        return item.created

    def item_author_name(self, item):
        return item.author.display_name

    def item_author_link(self, item):
        return item.author.get_absolute_url()


class ArticleCommentsFeed(_CommentFeed):
    ttl = 3600  # the key changes with the page generation; the TTL only frees memory

    def get_object(self, request, slug):
        return get_object_or_404(Article.objects.published().only("id", "slug", "title"), slug=slug)

    def cache_key(self, request, slug):
        article = self.get_object(request, slug)
        return f"feed:article:{article.pk}:{pagecache.generation(article.pk)}"

    def title(self, obj):
        return _("Comments on “%(article)s”") % {"article": obj.title}

    def link(self, obj):
        return obj.get_absolute_url() + "#comments"

    def subtitle(self, obj):
        return _("The latest comments on “%(article)s”") % {"article": obj.title}

    def items(self, obj):
        return self.comments().filter(article=obj)[:ENTRIES]


class MemberCommentsFeed(_CommentFeed):
    def get_object(self, request, login):
        return get_object_or_404(Member.objects.only("id", "login", "real_name"), login=login, is_active=True)

    def cache_key(self, request, login):
        return member_key(self.get_object(request, login).pk)

    def title(self, obj):
        return _("Comments by %(member)s") % {"member": obj.display_name}

    def link(self, obj):
        return obj.get_absolute_url()

    def subtitle(self, obj):
        return _("The latest public comments by %(member)s") % {"member": obj.display_name}

    def items(self, obj):
        return self.comments().filter(author=obj)[:ENTRIES]


class LatestCommentsFeed(_CommentFeed):
    def cache_key(self, request):
        return SITE_KEY

    def title(self):
        return _("%(site)s: latest comments") % {"site": settings.VECHE_SITE_NAME}

    def link(self):
        return reverse("newsroom:front")

    def subtitle(self):
        return _("The latest comments in every discussion")

    def items(self):
        return self.comments()[:ENTRIES]


SITE_KEY = "feed:comments"


def member_key(member_id: int) -> str:
    return f"feed:member:{member_id}"


def _forget(sender, comment, **kwargs) -> None:
    keys = [SITE_KEY, member_key(comment.author_id)]
    transaction.on_commit(lambda: cache.delete_many(keys))


def _forget_imported(sender, **kwargs) -> None:
    transaction.on_commit(lambda: cache.delete(SITE_KEY))  # members' feeds: within FEED_TTL


def connect() -> None:
    signals.comment_written.connect(_forget, dispatch_uid="discussion.feeds")
    signals.comments_imported.connect(_forget_imported, dispatch_uid="discussion.feeds.imported")
