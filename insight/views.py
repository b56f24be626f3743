"""The insight pages and their pictures. Thin: the figures come from insight.figures through
insight.panels; a page names its pictures' addresses and each picture is drawn when asked."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from insight import panels
from insight.guard import editor_required
from newsroom.models import Article


@require_safe
@never_cache
@editor_required
def site(request):
    figures, sections = panels.site_panels()
    panels.addressed(sections, lambda name: reverse("insight:site-chart", args=[name]))
    return render(request, "insight/site.html", {"figures": figures, "sections": sections})


@require_safe
@never_cache
@editor_required
def article(request, slug):
    # Any state: editors look at drafts and scheduled articles too (and the guard let only them in).
    a = get_object_or_404(Article, slug=slug)
    found = panels.article_figures_as_of(a)
    figures, sections = panels.article_panels(a, found)
    panels.addressed(sections, lambda name: reverse("insight:article-chart", args=[a.slug, name]))
    return render(request, "insight/article.html", {"article": a, "figures": figures, "sections": sections,
                                                    "computed_at": found[1], "refreshing": found[2],
                                                    "heat": panels.heat_html(figures.paragraphs)})


def _svg(sections, name: str) -> HttpResponse:
    panel = panels.find(sections, name)
    if panel is None or panel.image is None:
        raise Http404("No such picture.")
    return HttpResponse(panel.image.svg(), content_type="image/svg+xml; charset=utf-8")


@require_safe
@never_cache
@editor_required
def site_chart(request, name):
    return _svg(panels.site_panels()[1], name)


@require_safe
@never_cache
@editor_required
def article_chart(request, slug, name):
    # The figures come from the shared cache the page filled (same thread version).
    return _svg(panels.article_panels(get_object_or_404(Article, slug=slug))[1], name)
