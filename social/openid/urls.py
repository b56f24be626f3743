"""allauth's OpenID Connect addresses (/auth/oidc/<provider id>/login/ and …/callback/), same
names, with its views wrapped: allauth fetches the provider's discovery document before its
own error handling begins, so a provider that is down would end in a 500."""

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.openid_connect import views as allauth_views
from django.urls import include, path, re_path
from requests import RequestException

from social.adapters import error_page


def _reachable(view):
    def wrapped(request, provider_id):
        try:
            return view(request, provider_id)
        except RequestException as exc:
            provider = get_adapter(request).get_provider(request, provider_id)
            return error_page(request, provider, exception=exc)

    return wrapped


urlpatterns = [
    path("oidc/", include([re_path(r"^(?P<provider_id>[^/]+)/", include([
        path("login/", _reachable(allauth_views.login), name="openid_connect_login"),
        path("login/callback/", _reachable(allauth_views.callback), name="openid_connect_callback"),
    ]))])),
]
