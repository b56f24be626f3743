"""Generic OpenID Connect (a newsroom's Keycloak, or any provider with a discovery document),
as allauth's provider plus what it leaves out: a `nonce` sent with every authorisation request
and required back, unchanged, in the ID token (social.adapters checks it before anything signs
in), and a clear refusal when the provider cannot be reached instead of an error page."""

import secrets

from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from requests import RequestException

NONCE_BYTES = 24  # 192 random bits, urlsafe: as long as allauth's state ids are strong


class NonceOpenIDConnectProvider(OpenIDConnectProvider):
    # Its addresses: social.openid.urls (allauth's views, wrapped).
    package = "social.openid"

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(NONCE_BYTES)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params["nonce"] = nonce
        try:
            # The nonce is kept in the state allauth stashes in the session under the state id.
            return super().redirect(request, process, next_url, data, auth_params=auth_params,
                                    nonce=nonce, **kwargs)
        except RequestException as exc:  # the discovery document could not be fetched
            return render_authentication_error(request, self, exception=exc)
