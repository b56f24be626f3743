from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Visits")

    def ready(self):
        # Readings are written with the page views, by their flush (visits.marks.Pending).
        from newsroom import viewcount
        from visits.marks import pending

        if pending not in viewcount.ALSO:
            viewcount.ALSO.append(pending)
