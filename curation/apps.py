from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CurationConfig(AppConfig):
    name = "curation"
    verbose_name = gettext_lazy("Curation")

    def ready(self):
        # The discussion draws what curation gives it, not the other way round (discussion.decor).
        from curation import page, signals
        from discussion import decor

        if page.decor not in decor.PROVIDERS:
            decor.PROVIDERS.append(page.decor)
        if page.reads not in decor.READS:
            decor.READS.append(page.reads)
        if page.decor_of_new not in decor.FOR_NEW:
            decor.FOR_NEW.append(page.decor_of_new)
        if page.strip_html not in decor.ABOVE:  # the picks strip follows a live resync
            decor.ABOVE.append(page.strip_html)
        signals.connect()
        # A member one ignores notifies them of nothing (replies, quotes, mentions).
        from django.apps import apps

        if apps.is_installed("notify"):
            from curation.ignoring import ignored_query, ignoring_sender
            from notify import rules

            if ignoring_sender not in rules.BLOCKS:
                rules.BLOCKS.append(ignoring_sender)
            if ignored_query not in rules.SILENCERS:  # "N more comments since", "3 new"
                rules.SILENCERS.append(ignored_query)
