"""What a server process loads once at its start, before it answers: the first requests of a
new process (after a deploy or a restart) would otherwise load it in their own time — the
first post's live event, made in every language the site offers, waited ~100 ms for the
second language's translations while 2,000 open pages waited for it.

Called by the ASGI front's lifespan (config.front), in a thread; a failure is logged and the
server starts all the same (the first request then loads what is missing, as before)."""

from __future__ import annotations

import importlib
import logging
import time

log = logging.getLogger("veche.warm")

# Imported inside functions by the hot paths (to keep import circles out), so not by the URLconf.
MODULES = (
    "discussion.actions.posting", "discussion.actions.voting", "discussion.live", "discussion.render",
    "discussion.threads", "curation.page", "curation.ranks", "notify.tasks", "notify.telling",
    "search.index", "moderation.limits", "live.stream", "newsroom.memberpage", "accounts.ratings",
)

# The templates of the pages most requests draw, loaded (and kept by the cached loader).
TEMPLATES = ("base.html", "newsroom/article.html", "newsroom/front.html", "discussion/_form.html",
             "curation/_picks.html")


def warm_up() -> float:
    """Load it all; returns the milliseconds it took."""
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation
    from django.utils.translation import trans_real

    from core.languages import enabled

    started = time.perf_counter()
    try:
        get_resolver().url_patterns  # noqa: B018 — imports every view module
        for name in MODULES:
            importlib.import_module(name)
        for code in enabled():
            trans_real.translation(code)  # reads the language's catalogues of every app, kept
            with translation.override(code):
                for name in TEMPLATES:
                    try:
                        get_template(name)
                    except TemplateDoesNotExist:
                        log.warning("warm-up: no template %s", name)
    except Exception:  # never keeps a server from starting
        log.exception("warm-up failed; the first requests load what they need")
    return (time.perf_counter() - started) * 1000
