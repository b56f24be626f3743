"""Signing in with a provider: allauth's redirect and callback for each provider (only those
configured answer), and Veche's own pages in place of allauth's. Names are allauth's, without
a namespace, where allauth reverses them."""

from allauth.socialaccount.models import SocialApp
from allauth.urls import build_provider_urlpatterns
from django.http import Http404
from django.urls import URLPattern, URLResolver, path
from django.views.decorators.cache import never_cache
from django.views.generic import RedirectView
from requests import RequestException

from core.params import register_id_converter
from social import views
from social.adapters import error_page

register_id_converter()  # <id:pk>: a row id, else 404

urlpatterns = [
    path("finish/", never_cache(views.finish), name="socialaccount_signup"),
    path("failed/", never_cache(views.failed), name="socialaccount_login_error"),
    path("cancelled/", never_cache(views.cancelled), name="socialaccount_login_cancelled"),
    path("unlink/<id:pk>/", never_cache(views.unlink), name="social-unlink"),
    # allauth sends people to these names in a few corners; they are Veche's pages.
    path("signin/", RedirectView.as_view(pattern_name="accounts:signin", query_string=True),
         name="account_login"),
    path("linked/", RedirectView.as_view(pattern_name="accounts:settings"), name="socialaccount_connections"),
    path("inactive/", never_cache(views.failed), name="account_inactive"),
]
providers = build_provider_urlpatterns()


def _configured_only(view):
    """A provider not configured has no door (404): allauth's views raise an error there. One
    that cannot be reached gets the page that says so, wherever allauth left it unhandled."""
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except SocialApp.DoesNotExist as exc:
            raise Http404 from exc
        except RequestException as exc:
            return error_page(request, None, exception=exc)

    return wrapped


def _wrap(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _wrap(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            pattern.callback = _configured_only(pattern.callback)


_wrap(providers)
urlpatterns += providers
