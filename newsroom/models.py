"""The publication: sections, tags, authors and articles."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.languages import site_language

COMMENTS_CLOSE_AFTER_DAYS = 30  # default; an article may override it


class Section(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("address"), max_length=80, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    premoderated = models.BooleanField(_("premoderated"), default=False, help_text=_("Hold every new comment for moderation."))

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("newsroom:section", args=[self.slug])


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("address"), max_length=80, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("newsroom:tag", args=[self.slug])


class Author(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address"), max_length=120, unique=True, allow_unicode=True)
    bio = models.TextField(_("biography"), blank=True)
    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("newsroom:author", args=[self.slug])


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """Articles a reader may see: published, or scheduled and due."""
        now = now or timezone.now()
        return self.filter(state__in=Article.SHOWN, published_at__lte=now)


class Article(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")

    # What a reader may see, once its time has come: the one rule, for the ORM (published(),
    # is_visible()) and for statements written by hand (newsroom.sql.shown).
    SHOWN = (State.PUBLISHED, State.SCHEDULED)

    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(_("address"), max_length=250, unique=True, allow_unicode=True)
    lead = models.TextField(_("lead"), blank=True)
    body = models.TextField(_("text"), help_text=_("Markdown. A block quote whose last paragraph starts with "
                            "\"—\" is an attributed quotation."))
    body_html = models.TextField(blank=True, editable=False)
    author = models.ForeignKey(Author, verbose_name=_("author"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="articles")
    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="articles")
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="articles")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField(_("published"), default=timezone.now, db_index=True)
    # When an editor last changed the article after creating it (newsroom.actions.do_save_article);
    # empty for one never edited, whose modification time is its publication (newsroom.seo).
    updated_at = models.DateTimeField(_("last edited"), null=True, blank=True, editable=False)
    source_url = models.URLField(_("source address"), blank=True, max_length=500,
                                 help_text=_("Where an imported article came from."))
    views = models.PositiveIntegerField(_("views"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    comments_open = models.BooleanField(_("comments open"), default=True)
    comments_close_after_days = models.PositiveIntegerField(_("comments close after (days)"),
        null=True, blank=True, help_text=format_lazy(_("Empty: {days} days."), days=COMMENTS_CLOSE_AFTER_DAYS)
    )
    premoderated = models.BooleanField(_("premoderated"), default=False, help_text=_("Hold every new comment for moderation."))
    # The language the article is written in: the `lang` of its body on the page (and the
    # search configuration its text is indexed with). New articles take the site's.
    language = models.CharField(_("language"), max_length=8, default=site_language,
                                choices=[(c, n) for c, n in settings.KNOWN_LANGUAGES.items()])
    thread_version = models.PositiveIntegerField(default=0, editable=False)
    # Raised with every change to the discussion but a new comment and a vote: what may
    # renumber comments already there (one shown, hidden, deleted, imported). New comments are
    # numbered from a count kept under it (discussion.live.sibling_index).
    order_version = models.PositiveIntegerField(default=0, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=["state", "-published_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("newsroom:article", args=[self.slug])

    def is_visible(self, now=None) -> bool:
        now = now or timezone.now()
        return self.state in self.SHOWN and self.published_at <= now

    @property
    def comments_close_at(self):
        days = self.comments_close_after_days
        if days is None:
            days = getattr(settings, "VECHE_COMMENTS_CLOSE_AFTER_DAYS", COMMENTS_CLOSE_AFTER_DAYS)
        return self.published_at + timedelta(days=days) if days else None

    def comments_closed_reason(self, now=None) -> str | None:
        """Why comments are closed, or None when they are open."""
        if not self.comments_open:
            return gettext("Comments on this publication are closed by the editors.")
        close_at = self.comments_close_at
        if close_at and (now or timezone.now()) >= close_at:
            return gettext("Comments on this publication closed automatically after its discussion period.")
        return None
