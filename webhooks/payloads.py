"""The JSON bodies of webhook events: ids, addresses and what a newsroom's tool needs, never
more than the site shows (a removed comment's text is not sent)."""

from typing import Any

from django.conf import settings


def absolute(path: str) -> str:
    return settings.VECHE_SITE_URL.rstrip("/") + path


def comment(c: Any) -> dict:
    article = c.article
    data = {
        "id": c.pk, "status": c.status, "parent_id": c.parent_id,
        "created_at": c.created.isoformat() if getattr(c, "created", None) else None,
        "url": absolute(c.get_absolute_url()),
        "article": {"id": article.pk, "title": article.title, "url": absolute(article.get_absolute_url())},
        "author": {"id": c.author_id, "login": c.author.login},
    }
    if c.status in ("visible", "held"):
        data["body"] = c.body
    return data


def report(r: Any) -> dict:
    return {"id": r.pk, "reason": r.reason, "text": r.text, "reporter": {"id": r.reporter_id},
            "comment": comment(r.comment)}


def ban(b: Any) -> dict:
    return {"id": b.pk, "scope": b.scope, "reason": b.reason,
            "until": b.until.isoformat() if b.until else None,
            "member": {"id": b.member_id, "login": b.member.login, "url": absolute(b.member.get_absolute_url())},
            "moderator_id": b.moderator_id}
