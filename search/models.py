"""The search index's tables, declared to Django so that its test runs empty them as they
empty every table. Their real shape is the database's own (search.sql.DDL: PostgreSQL
tsvector columns under GIN indexes, SQLite FTS5 tables): the migration creates them by hand,
and nothing reads them through these models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CommentEntry(models.Model):
    comment_id = models.BigIntegerField(_("comment"), primary_key=True)
    config = models.CharField(_("search configuration"), max_length=32)
    document = models.TextField(_("indexed text"))

    class Meta:
        db_table = "search_comment"
        verbose_name = _("comment index entry")
        verbose_name_plural = _("comment index entries")


class ArticleEntry(models.Model):
    article_id = models.BigIntegerField(_("article"), primary_key=True)
    config = models.CharField(_("search configuration"), max_length=32)
    document = models.TextField(_("indexed text"))

    class Meta:
        db_table = "search_article"
        verbose_name = _("article index entry")
        verbose_name_plural = _("article index entries")
