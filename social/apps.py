from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialConfig(AppConfig):
    """Signing in with accounts readers already have (VK ID, Yandex ID, Google, GitHub,
    Telegram, any OpenID Connect provider), through django-allauth's social accounts; Veche's
    own sign-in, sign-up, passwords and lockout stay in accounts."""

    name = "social"
    verbose_name = _("Sign-in with other accounts")
