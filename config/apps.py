import gc

from django.apps import AppConfig


class ConfigConfig(AppConfig):
    name = "config"
    verbose_name = "Veche"

    def ready(self):
        from django.core.signals import request_finished

        from core.cache import later, memo_later

        request_finished.connect(later.release, dispatch_uid="veche-cache-later")
        request_finished.connect(memo_later.release, dispatch_uid="veche-memo-later")
        from core.queue import share_redis_connections

        share_redis_connections()
        from django.db.models.signals import post_delete, post_save

        from config.context_processors import forget_nav
        from moderation.models import Ban
        from moderation.policy import bans_changed
        from newsroom.models import Article, Section
        from newsroom.versions import article_deleted

        post_delete.connect(article_deleted, sender=Article, dispatch_uid="veche-article-deleted")
        for signal in (post_save, post_delete):
            signal.connect(forget_nav, sender=Section, dispatch_uid=f"veche-nav-{signal is post_save}")
            signal.connect(bans_changed, sender=Ban, dispatch_uid=f"veche-bans-{signal is post_save}")
        # What is loaded at start (Django, the apps, their modules) lives as long as the
        # process: moved out of the collector's sight, it is not traversed again at every full
        # collection. A page render allocates tens of thousands of short-lived objects (rows,
        # tree nodes, fragments); with the first generation collected every 10,000 of them
        # rather than every 700, a render from nothing spends about 7 % less time (measured
        # A/B in one process, see docs/performance.md). Cycles are still collected.
        gc.collect()
        gc.freeze()
        from core.memory import keep_freed_memory

        keep_freed_memory()
        gc.set_threshold(10_000, 10, 10)
