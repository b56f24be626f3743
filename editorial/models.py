"""The editors' workspace: an article's images, its history, and drafts kept while writing."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from newsroom.models import Article


class ArticleImage(models.Model):
    """An image of an article: the stored files are re-encoded from the upload (no metadata
    kept) at its own size and at several widths (`renditions`), named by a random folder
    (`folder`), so an address never changes what it shows and may be cached for ever."""

    class Format(models.TextChoices):
        JPEG = "JPEG", "JPEG"
        PNG = "PNG", "PNG"
        WEBP = "WEBP", "WebP"

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="images")
    folder = models.CharField(max_length=100, unique=True, editable=False)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    # [{"width": w, "height": h, "format": "WEBP"|…, "name": storage name, "bytes": n}, …],
    # widest last; the original's own size is among them.
    renditions = models.JSONField(_("renditions"), default=list)
    alt = models.CharField(_("alt text"), max_length=300,
                           help_text=_("What the image shows, for readers who cannot see it."))
    caption = models.CharField(_("caption"), max_length=500, blank=True)
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    is_lead = models.BooleanField(_("lead image"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("article image")
        verbose_name_plural = _("article images")
        constraints = [models.UniqueConstraint(fields=["article"], condition=Q(is_lead=True),
                                               name="one_lead_image_per_article")]

    def __str__(self):
        return f"{self.article_id}/{self.pk}: {self.alt}"

    @property
    def reference(self) -> str:
        """What an editor writes in the body, on a line of its own, to show this image."""
        return f"![{self.alt.replace(']', '')}](image:{self.pk})"

    def names(self) -> list[str]:
        return [r["name"] for r in self.renditions]


class ArticleRevision(models.Model):
    """A saved state of an article, written by every save through the editor: who, when, what
    (the fields an editor writes, as they were after the save) and which fields changed."""

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE,
                                related_name="revisions")
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("editor"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    data = models.JSONField(_("data"))
    changed = models.JSONField(_("changed fields"), default=list)  # names of the fields this save changed
    note = models.CharField(_("note"), max_length=200, blank=True)  # e.g. "restored revision 3"

    class Meta:
        ordering = ["-id"]
        verbose_name = _("article revision")
        verbose_name_plural = _("article revisions")

    def __str__(self):
        return f"{self.article_id} #{self.pk}"


class EditorDraft(models.Model):
    """What an editor was writing and has not saved, kept by autosave so that a closed tab
    loses nothing: one per editor and article (article empty: a new one), offered on return."""

    editor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("editor"), on_delete=models.CASCADE,
                               related_name="+")
    article = models.ForeignKey(Article, verbose_name=_("article"), null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+")
    data = models.JSONField(_("data"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("editor’s draft")
        verbose_name_plural = _("editors’ drafts")
        constraints = [
            models.UniqueConstraint(fields=["editor", "article"], name="one_draft_per_editor_article"),
            models.UniqueConstraint(fields=["editor"], condition=Q(article__isnull=True),
                                    name="one_new_article_draft_per_editor"),
        ]

    def __str__(self):
        return f"{self.editor_id}/{self.article_id}"
