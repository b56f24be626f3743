"""What the site's insight page keeps between views: the comments of each UTC day, counted
once (insight.daycounts), so that a view counts only the comments written since the last one
instead of every comment of the last 30 days."""

from django.db import models


class DayCount(models.Model):
    """Comments written on one UTC day ("2026-12-06"), as far as `Counted` says."""

    day = models.CharField(max_length=10, primary_key=True)
    comments = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.day}: {self.comments}"


class Counted(models.Model):
    """How far the day counts go: every comment up to `upto` (an id) is in them, none after."""

    name = models.CharField(max_length=40, primary_key=True)
    upto = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.name} ≤ {self.upto}"


class KeptFigures(models.Model):
    """An article's insight figures as last computed (insight.kept): the page shows them and,
    when they are older than the article's thread or than a minute, has them computed again
    by a task instead of computing them in the request."""

    article = models.OneToOneField("newsroom.Article", on_delete=models.CASCADE, primary_key=True,
                                   related_name="+")
    thread_version = models.BigIntegerField()
    computed_at = models.DateTimeField()
    data = models.JSONField()

    def __str__(self):
        return f"{self.article_id} v{self.thread_version}"
