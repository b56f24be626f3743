from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class InsightConfig(AppConfig):
    name = "insight"
    verbose_name = gettext_lazy("Editors' insight")
