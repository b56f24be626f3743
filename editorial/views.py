"""The editors' workspace: Veche's own pages behind the editors' guard (docs/editing.md says
why not the admin). Every page works as plain forms; editor.js adds the live preview, the word
count and autosave on top."""

import difflib
import re

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core import params
from core.errors import ActionError
from core.markup import render_article
from editorial import actions
from editorial.forms import ArticleForm, ImageEditForm, ImageForm
from editorial.guard import editor_required
from editorial.models import ArticleImage, ArticleRevision, EditorDraft
from newsroom import images
from newsroom.models import Article

RECENT = 50  # articles listed on the workspace's first page
_WORD = re.compile(r"[^\W_]+(?:[’'\-][^\W_]+)*")


def word_count(text: str) -> int:
    """Words as a reader counts them: letters and digits, joined by apostrophes or hyphens
    (Markdown's marks are not words)."""
    return len(_WORD.findall(text or ""))


def preview_html(body: str, article_id: int | None) -> str:
    """The body as the published page shows it: the very function the save stores."""
    return render_article(body, images.resolver(article_id))


@editor_required
def index(request):
    q = " ".join(request.GET.get("q", "").split())[:200]
    articles = Article.objects.select_related("section").order_by("-id")
    if q:
        articles = articles.filter(Q(title__icontains=q) | Q(slug__icontains=q))
    return render(request, "editorial/index.html", {"articles": articles[:RECENT], "q": q})


def _article_or_none(pk):
    return get_object_or_404(Article.objects.select_related("section", "author"), pk=pk) if pk else None


@editor_required
def edit(request, pk=None):
    article = _article_or_none(pk)
    draft = EditorDraft.objects.filter(editor=request.user, article=article).first()
    preview = None
    if request.method == "POST":
        form = ArticleForm(request.POST, instance=article or Article())
        if "preview" in request.POST:  # without JavaScript: the same page, its preview shown
            preview = preview_html(request.POST.get("body", ""), article.pk if article else None)
            form.is_valid()  # errors shown beside the preview, nothing saved
        elif form.is_valid():
            obj = form.save(commit=False)
            try:
                actions.do_save_article_as(request.user, obj, list(form.cleaned_data["tags"]))
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("editorial:edit", pk=obj.pk)
    else:
        initial = {}
        if draft is not None and request.GET.get("draft") == "1":
            initial = {k: v for k, v in draft.data.items() if k in actions.DRAFT_FIELDS}
        form = ArticleForm(instance=article, initial=initial)
    body = form["body"].value() or ""
    if preview is None:
        preview = preview_html(body, article.pk if article else None)
    stale_draft = draft is not None and request.GET.get("draft") != "1" and (
        article is None or any(draft.data.get(k, getattr(article, k)) != getattr(article, k)
                               for k in actions.DRAFT_FIELDS))
    return render(request, "editorial/edit.html", {
        "form": form, "article": article, "preview": preview, "words": word_count(body),
        "draft": draft if stale_draft else None,
        "article_images": list(ArticleImage.objects.filter(article=article)) if article else [],
    })


@editor_required
@require_POST
def preview(request):
    """The live preview's JSON: the body rendered as it will be published, and its words."""
    body = request.POST.get("body", "")
    if len(body) > actions.DRAFT_FIELDS["body"]:
        return JsonResponse({"error": "too_long", "message": _("The text is too long to preview.")}, status=400)
    article_id = request.POST.get("article", "")
    article_id = int(article_id) if params.is_digits(article_id) else None
    if article_id is not None and not Article.objects.filter(pk=article_id).exists():
        article_id = None
    words = word_count(body)
    return JsonResponse({"html": preview_html(body, article_id), "words": words,
                         "words_text": ngettext("%(n)s word", "%(n)s words", words) % {"n": words}})


@editor_required
@require_POST
def autosave(request):
    """Keep the editor's unsaved writing (JSON; also sent as the tab closes)."""
    raw = request.POST.get("article", "")
    article = _article_or_none(int(raw)) if params.is_digits(raw) else None
    try:
        draft = actions.do_autosave(request.user, article, {k: request.POST.get(k, "") for k in actions.DRAFT_FIELDS})
    except ActionError as exc:
        response = JsonResponse(exc.as_json(), status=exc.status)
        if exc.retry_after:
            response["Retry-After"] = str(exc.retry_after)
        return response
    return JsonResponse({"saved_at": draft.updated_at.isoformat()})


@editor_required
@require_POST
def discard_draft(request, pk=None):
    article = _article_or_none(pk)
    actions.do_discard_draft(request.user, article)
    messages.info(request, _("The unsaved draft was discarded."))
    return redirect("editorial:edit", pk=pk) if pk else redirect("editorial:new")


def _diff(before: dict, after: dict) -> list[dict]:
    """Per changed field: its name and lines marked added (+), removed (−) or kept."""
    out = []
    for name in actions.REVISION_FIELDS:
        a, b = before.get(name), after.get(name)
        if a == b:
            continue
        a_lines = str(a if a is not None else "").splitlines()
        b_lines = str(b if b is not None else "").splitlines()
        lines = []
        for line in difflib.unified_diff(a_lines, b_lines, lineterm="", n=2):
            if line.startswith(("---", "+++")):
                continue
            kind = "hunk" if line.startswith("@@") else "add" if line.startswith("+") else \
                "del" if line.startswith("-") else "same"
            lines.append({"kind": kind, "text": line})
        out.append({"field": name, "lines": lines})
    return out


@editor_required
def history(request, pk):
    article = _article_or_none(pk)
    revisions = list(ArticleRevision.objects.filter(article=article).select_related("editor")[:200])
    by_id = {r.pk: r for r in revisions}

    def pick(name):
        value = request.GET.get(name, "")
        return by_id.get(int(value)) if params.is_digits(value) else None

    new = pick("b") or (revisions[0] if revisions else None)
    old = pick("a") or next((r for r in revisions if new and r.pk < new.pk), None)
    diff = _diff(old.data if old else {}, new.data) if new else []
    return render(request, "editorial/history.html", {
        "article": article, "revisions": revisions, "old": old, "new": new, "diff": diff})


@editor_required
@require_POST
def restore(request, pk):
    revision = get_object_or_404(ArticleRevision, pk=pk)
    actions.do_restore_revision(request.user, revision)
    messages.success(request, _("Revision %(n)s restored.") % {"n": revision.pk})
    return redirect("editorial:edit", pk=revision.article_id)


@editor_required
def article_images(request, pk):
    article = _article_or_none(pk)
    form = ImageForm()
    status = 200
    if request.method == "POST":
        form = ImageForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                image = actions.do_add_image(request.user, article, data["file"], alt=data["alt"],
                                             caption=data["caption"], credit=data["credit"],
                                             is_lead=data["is_lead"])
            except ActionError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Image added. Put it in the text with %(ref)s") % {
                    "ref": image.reference})
                return redirect("editorial:images", pk=article.pk)
        status = 400
    from django.conf import settings

    from editorial.figures import picture

    return render(request, "editorial/images.html", {
        "article": article, "form": form,
        "max_mb": f"{settings.VECHE_IMAGE_MAX_BYTES / 2**20:.0f}",
        "max_mp": f"{settings.VECHE_IMAGE_MAX_PIXELS / 1e6:g}",
        "images": [(i, ImageEditForm(initial={"alt": i.alt, "caption": i.caption, "credit": i.credit,
                                                "is_lead": i.is_lead}, prefix=f"i{i.pk}"),
                    picture(i, "12rem", lazy=True))
                   for i in ArticleImage.objects.filter(article=article)],
    }, status=status)


@editor_required
@require_POST
def image_update(request, pk):
    image = get_object_or_404(ArticleImage, pk=pk)
    form = ImageEditForm(request.POST, prefix=f"i{image.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_update_image(request.user, image, alt=data["alt"], caption=data["caption"],
                                    credit=data["credit"], is_lead=data["is_lead"])
        except ActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Image saved."))
    else:
        messages.error(request, _("Describe the image in its alt text: readers who cannot see it hear that."))
    return redirect("editorial:images", pk=image.article_id)


@editor_required
@require_POST
def image_delete(request, pk):
    image = get_object_or_404(ArticleImage, pk=pk)
    article_id = image.article_id
    actions.do_delete_image(request.user, image)
    messages.success(request, _("Image removed."))
    return redirect("editorial:images", pk=article_id)


def media(request, path):
    """Uploaded files in embedded mode (VECHE_SERVE_MEDIA): their names are random and never
    reused, so they may be kept for a year. Only what the storage holds under MEDIA_ROOT."""
    from django.conf import settings
    from django.views.static import serve

    if not settings.VECHE_SERVE_MEDIA or not path.startswith("images/") or ".." in path.split("/"):
        raise Http404
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def images_url(article) -> str:
    return reverse("editorial:images", args=[article.pk])
