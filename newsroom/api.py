"""Read API for the publication: /api/v1/articles/ and /api/v1/articles/<slug>/.

A parameter out of its range is answered 400 with the reason, as config/openapi.py says."""

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.display import format_time
from core.http import json_message
from newsroom.models import Article

PER_PAGE = 50


def article_json(a: Article, full: bool = False) -> dict:
    data = {
        "slug": a.slug,
        "title": a.title,
        "lead": a.lead,
        "url": a.get_absolute_url(),
        "section": {"slug": a.section.slug, "name": a.section.name},
        "author": {"slug": a.author.slug, "name": a.author.name} if a.author else None,
        "published": format_time(a.published_at)[0],
        "views": a.views,
        "comment_count": a.comment_count,
        "comments_open": a.comments_closed_reason() is None,
        "comments_url": f"/api/v1/articles/{a.slug}/comments/",
    }
    if full:
        data["body_html"] = a.body_html
        data["tags"] = [{"slug": t.slug, "name": t.name} for t in a.tags.all()]
    return data


def articles(request):
    qs = Article.objects.published().select_related("section", "author")
    section = request.GET.get("section")
    if section:
        qs = qs.filter(section__slug=section)
    paginator = Paginator(qs, PER_PAGE)
    asked = request.GET.get("page", "1")
    if not (asked.isascii() and asked.isdigit() and 0 < len(asked) < 10 and int(asked) >= 1):
        return json_message(400, "bad_page", _("“page” is a whole number from 1 (you sent %(page)s).")
                            % {"page": asked[:20] or _("nothing")})
    if int(asked) > paginator.num_pages:
        return json_message(404, "no_such_page", ngettext(
            "There is no page %(page)s: there is %(pages)s page.",
            "There is no page %(page)s: there are %(pages)s pages.", paginator.num_pages)
            % {"page": asked, "pages": paginator.num_pages})
    page = paginator.page(int(asked))
    return JsonResponse({
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "results": [article_json(a) for a in page.object_list],
    })


def article(request, slug):
    a = get_object_or_404(Article.objects.published().select_related("section", "author"), slug=slug)
    return JsonResponse(article_json(a, full=True))
