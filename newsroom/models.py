"""The publication: sections, tags, authors and articles."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

COMMENTS_CLOSE_AFTER_DAYS = 30  # default; an article may override it


class Section(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True, allow_unicode=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    premoderated = models.BooleanField(default=False, help_text="Hold every new comment for moderation.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("newsroom:section", args=[self.slug])


class Tag(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("newsroom:tag", args=[self.slug])


class Author(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True, allow_unicode=True)
    bio = models.TextField(blank=True)
    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["name"]

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
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"

    # What a reader may see, once its time has come: the one rule, for the ORM (published(),
    # is_visible()) and for statements written by hand (newsroom.sql.shown).
    SHOWN = (State.PUBLISHED, State.SCHEDULED)

    title = models.CharField(max_length=250)
    slug = models.SlugField(max_length=250, unique=True, allow_unicode=True)
    lead = models.TextField(blank=True)
    body = models.TextField(help_text="Markdown. A block quote whose last paragraph starts with "
                            "\"—\" is an attributed quotation.")
    body_html = models.TextField(blank=True, editable=False)
    author = models.ForeignKey(Author, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="articles")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField(default=timezone.now, db_index=True)
    # When an editor last changed the article after creating it (newsroom.actions.do_save_article);
    # empty for one never edited, whose modification time is its publication (newsroom.seo).
    updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    source_url = models.URLField(blank=True, max_length=500,
                                 help_text="Where an imported article came from.")
    views = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    comments_open = models.BooleanField(default=True)
    comments_close_after_days = models.PositiveIntegerField(
        null=True, blank=True, help_text=f"Empty: {COMMENTS_CLOSE_AFTER_DAYS} days."
    )
    premoderated = models.BooleanField(default=False, help_text="Hold every new comment for moderation.")
    thread_version = models.PositiveIntegerField(default=0, editable=False)
    # Raised with every change to the discussion but a new comment and a vote: what may
    # renumber comments already there (one shown, hidden, deleted, imported). New comments are
    # numbered from a count kept under it (discussion.live.sibling_index).
    order_version = models.PositiveIntegerField(default=0, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
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
            return "Comments on this publication are closed by the editors."
        close_at = self.comments_close_at
        if close_at and (now or timezone.now()) >= close_at:
            return "Comments on this publication closed automatically after its discussion period."
        return None
