"""Every change the editors' workspace makes: saving an article with its history, restoring a
revision, autosaving a draft, and adding, changing and removing an article's images.

Articles are always written by newsroom.actions.do_save_article, which renders the body (its
image references included) and records the change (`versions.changed(…, Change.ARTICLE)`:
the article's cached pages, and the front and section pages, which list it, are rendered
anew). An image change re-renders the article the same way, since the body shows images by
reference and the lead image shows on its page, cards, feeds and link previews."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ActionError
from core.tasks import enqueue_on_commit
from editorial import imaging
from editorial.models import ArticleImage, ArticleRevision, EditorDraft
from editorial.tasks import make_versions
from moderation.limits import Limit, hit, register
from newsroom.actions import do_save_article
from newsroom.models import Article, Author, Section, Tag

EDITOR_PERMISSION = "newsroom.change_article"
# The fields a revision keeps, and an editor's draft may hold (text ones).
REVISION_FIELDS = ("title", "slug", "lead", "body", "section", "author", "tags", "state",
                   "published_at", "comments_open", "comments_close_after_days", "premoderated")
DRAFT_FIELDS = {"title": 250, "lead": 5000, "body": 200_000, "slug": 250}
# The page autosaves every few seconds while an editor types; more than this is a script gone
# wrong (or someone else's), not writing.
AUTOSAVE = register(Limit("editorial-autosave", 30, 60, "Autosaving too often: at most 30 times a minute."))


def is_editor(member) -> bool:
    return bool(member is not None and member.is_authenticated and member.is_active
                and member.has_perm(EDITOR_PERMISSION))


def check_editor(member) -> None:
    if not is_editor(member):
        raise ActionError(_("Only editors may do this."), status=403, code="forbidden")


def snapshot(article: Article) -> dict[str, Any]:
    """The fields of a revision, as JSON values (ids for relations, ISO time)."""
    return {
        "title": article.title, "slug": article.slug, "lead": article.lead, "body": article.body,
        "section": article.section_id, "author": article.author_id,
        "tags": sorted(article.tags.values_list("id", flat=True)) if article.pk else [],
        "state": article.state,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "comments_open": article.comments_open,
        "comments_close_after_days": article.comments_close_after_days,
        "premoderated": article.premoderated,
    }


def do_save_article_as(editor, article: Article, tags: list[Tag] | None = None, note: str = "") -> Article:
    """Save `article` (and its tags, when given) through do_save_article and record a revision
    saying who changed which fields. The editor's draft of it is done with and deleted."""
    check_editor(editor)
    with transaction.atomic():
        was_new = article.pk is None
        before = None if was_new else state_before(article.pk)
        do_save_article(article)
        if tags is not None:
            article.tags.set(tags)
        record_revision(editor, article, before, note)
        if was_new:
            EditorDraft.objects.filter(editor=editor, article__isnull=True).delete()
    return article


def state_before(article_id: int) -> dict[str, Any]:
    """The article as its last revision has it; with no history yet, the stored row."""
    last = ArticleRevision.objects.filter(article_id=article_id).values_list("data", flat=True).first()
    return last if last is not None else snapshot(Article.objects.get(pk=article_id))


def record_revision(editor, article: Article, before: dict[str, Any] | None = None,
                    note: str = "") -> ArticleRevision:
    """Record the article as saved now, against `before` (None: everything is new), and end
    the editor's draft of it. The caller has saved it (the admin, after its tags too)."""
    if before is None and ArticleRevision.objects.filter(article=article).exists():
        before = state_before(article.pk)
    after = snapshot(article)
    changed = [f for f in REVISION_FIELDS if before is None or before.get(f) != after[f]]
    revision = ArticleRevision.objects.create(article=article, editor=editor, data=after,
                                              changed=changed, note=note[:200])
    EditorDraft.objects.filter(editor=editor, article=article).delete()
    return revision


def do_restore_revision(editor, revision: ArticleRevision) -> Article:
    """Bring an article back to a revision's text and settings: a new revision, so the restore
    is itself in the history and can be undone."""
    check_editor(editor)
    data = revision.data
    article = Article.objects.get(pk=revision.article_id)
    article.title, article.lead, article.body = data["title"], data["lead"], data["body"]
    article.state = data["state"]
    article.comments_open = data["comments_open"]
    article.comments_close_after_days = data["comments_close_after_days"]
    article.premoderated = data["premoderated"]
    if Section.objects.filter(pk=data["section"]).exists():
        article.section_id = data["section"]
    article.author_id = data["author"] if Author.objects.filter(pk=data["author"]).exists() else None
    if data.get("published_at"):
        from django.utils.dateparse import parse_datetime

        article.published_at = parse_datetime(data["published_at"])
    tags = list(Tag.objects.filter(pk__in=data.get("tags", [])))
    return do_save_article_as(editor, article, tags,
                              note=_("restored revision %(n)s") % {"n": revision.pk})


def do_autosave(editor, article: Article | None, data: dict[str, Any]) -> EditorDraft:
    """Keep what the editor is writing (title, lead, body, slug) for them alone, one draft per
    article (None: the new article they are writing). Counted against AUTOSAVE."""
    check_editor(editor)
    kept = {}
    for name, longest in DRAFT_FIELDS.items():
        value = data.get(name, "")
        if not isinstance(value, str):
            raise ActionError(_("A draft’s fields are text."), code="invalid", field=name)
        if len(value) > longest:
            raise ActionError(_("The %(field)s is too long to keep (at most %(n)s characters).") % {
                "field": name, "n": f"{longest:,}"}, code="too_long", field=name)
        kept[name] = value.replace("\x00", "")
    hit(AUTOSAVE, str(editor.pk))
    with transaction.atomic():
        draft, _created = EditorDraft.objects.update_or_create(
            editor=editor, article=article, defaults={"data": kept})
    return draft


def do_discard_draft(editor, article: Article | None) -> None:
    check_editor(editor)
    EditorDraft.objects.filter(editor=editor, article=article).delete()


def _rerender(article_id: int) -> None:
    """The article's body shows its images by reference and its pages show the lead image:
    render it again and record the change, as an article save does."""
    do_save_article(Article.objects.get(pk=article_id))


def do_add_image(editor, article: Article, upload, *, alt: str, caption: str = "", credit: str = "",
                 is_lead: bool = False) -> ArticleImage:
    """Check the upload (imaging.check), store it once in its own format and record the image;
    its other widths and WebP are made after commit by a task (editorial.tasks), so the
    upload answers at once and the pages show the original, with its width and height, until
    then. Nothing is left behind on a refusal or a failure: the file written is deleted again."""
    check_editor(editor)
    alt, caption, credit = alt.strip(), caption.strip(), credit.strip()
    if not alt:
        raise ActionError(_("Describe the image in its alt text: readers who cannot see it hear that."),
                          code="alt_required", field="alt")
    checked = imaging.check(upload)
    folder, renditions = imaging.store_original(checked)
    try:
        with transaction.atomic():
            if is_lead:
                ArticleImage.objects.filter(article=article, is_lead=True).update(is_lead=False)
            image = ArticleImage.objects.create(
                article=article, folder=folder, format=checked.format, width=checked.width,
                height=checked.height, renditions=renditions, alt=alt[:300], caption=caption[:500],
                credit=credit[:200], is_lead=is_lead, uploaded_by=editor)
            _rerender(article.pk)
            if imaging.missing(image.format, image.width, image.height, renditions):
                enqueue_on_commit(make_versions, image.pk)
    except BaseException:
        imaging.delete([r["name"] for r in renditions])
        raise
    return image


def do_update_image(editor, image: ArticleImage, *, alt: str, caption: str, credit: str,
                    is_lead: bool) -> ArticleImage:
    check_editor(editor)
    alt = alt.strip()
    if not alt:
        raise ActionError(_("Describe the image in its alt text: readers who cannot see it hear that."),
                          code="alt_required", field="alt")
    with transaction.atomic():
        if is_lead and not image.is_lead:
            ArticleImage.objects.filter(article_id=image.article_id, is_lead=True).update(is_lead=False)
        image.alt, image.caption, image.credit = alt[:300], caption.strip()[:500], credit.strip()[:200]
        image.is_lead = is_lead
        image.save(update_fields=["alt", "caption", "credit", "is_lead"])
        _rerender(image.article_id)
    return image


def do_delete_image(editor, image: ArticleImage) -> None:
    """Remove the image and, once that has committed, its files. A body reference to it then
    shows nothing."""
    check_editor(editor)
    names = image.names()
    with transaction.atomic():
        article_id = image.article_id
        image.delete()
        _rerender(article_id)
        transaction.on_commit(lambda: imaging.delete(names))
