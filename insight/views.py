"""The insight pages. Thin: the figures come from insight.figures through insight.panels."""

from django.shortcuts import get_object_or_404, render
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
    return render(request, "insight/site.html", {"figures": figures, "sections": sections})


@require_safe
@never_cache
@editor_required
def article(request, slug):
    # Any state: editors look at drafts and scheduled articles too (and the guard let only them in).
    a = get_object_or_404(Article, slug=slug)
    figures, sections = panels.article_panels(a)
    return render(request, "insight/article.html", {"article": a, "figures": figures, "sections": sections})
