"""Where allauth's social flow meets Veche's rules.

- No sign-up without asking: every first sign-in with a provider goes to social.views.finish,
  which asks for a login (Veche's login rules and confusable check) or for the password of an
  existing account to link. An e-mail address from a provider never signs anyone in.
- The OpenID Connect nonce is checked here, before anything signs in.
- Linking from the settings page goes through social.actions, like every change of state.
- Errors (a tampered state, a used or expired code, a provider that is down) end on one page
  that says what happened, with a 4xx, never a 5xx.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter, _build_apps_from_settings
from allauth.socialaccount.providers.base.constants import AuthError
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from requests import RequestException

from social import actions


class AccountAdapter(DefaultAccountAdapter):
    """allauth's account side, for what its social flow asks of it; its pages are not mounted."""

    def respond_user_inactive(self, request, user):
        return render(request, "social/error.html", {
            "reason": _("This account cannot sign in."), "provider": None}, status=403)

    def is_open_for_signup(self, request):
        return True


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        """Only the providers configured in settings (the environment): none from the database,
        so an operator's settings are the one place that turns a provider on."""
        found = _build_apps_from_settings(provider=provider, client_id=client_id)
        return [app for apps in found.values() for app in apps]

    def is_auto_signup_allowed(self, request, sociallogin):
        return False

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.real_name = (data.get("name") or " ".join(
            p for p in (data.get("first_name"), data.get("last_name")) if p) or "")[:64]
        return user

    def get_connect_redirect_url(self, request, socialaccount):
        return reverse("accounts:settings")

    def pre_social_login(self, request, sociallogin):
        check_nonce(request, sociallogin)
        if sociallogin.state.get("process") == "connect":
            raise ImmediateHttpResponse(_connect(request, sociallogin))
        if sociallogin.is_existing:
            member = sociallogin.user
            if member.is_deleted or not member.is_active:
                raise ImmediateHttpResponse(self.get_account_adapter_inactive(request, member))

    def get_account_adapter_inactive(self, request, member):
        return AccountAdapter(request).respond_user_inactive(request, member)

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        raise ImmediateHttpResponse(error_page(request, provider, error, exception))


def check_nonce(request, sociallogin) -> None:
    """An ID token must carry the nonce this browser's sign-in sent (kept in its state):
    a token minted for another sign-in, replayed here, is refused."""
    if sociallogin.provider.id != "openid_connect":  # account.provider is the sub-id ("keycloak")
        return
    claims = (sociallogin.account.extra_data or {}).get("id_token") or {}
    sent = sociallogin.state.get("nonce")
    if not sent or claims.get("nonce") != sent:
        raise ImmediateHttpResponse(render(request, "social/error.html", {
            "provider": sociallogin.provider.name,
            "reason": _("The answer from the provider did not belong to this sign-in (its nonce "
                        "did not match). Nothing was signed in. Please start again."),
        }, status=400))


def error_page(request, provider, error=None, exception=None):
    """One page for every failed sign-in with a provider, saying which kind of failure."""
    name = getattr(provider, "name", "") or _("the provider")
    if error == AuthError.CANCELLED:
        reason = _("You cancelled signing in with %(provider)s. Nothing was changed.") % {"provider": name}
        status = 400
    elif isinstance(exception, RequestException):
        reason = _("%(provider)s could not be reached, so you are not signed in. Please try again "
                   "in a few minutes, or sign in with your login and password.") % {"provider": name}
        status = 400  # no 5xx: Veche did nothing wrong, and the member can go on (their password)
    else:
        reason = _("Signing in with %(provider)s did not work: the answer was expired, already used "
                   "or not from the sign-in this browser started. Nothing was signed in. Please "
                   "start again.") % {"provider": name}
        status = 400
    return render(request, "social/error.html", {"reason": reason, "provider": name}, status=status)


def _connect(request, sociallogin):
    """Linking a provider from the settings page, for the member signed in."""
    from core.errors import ActionError

    if not request.user.is_authenticated:
        return redirect("accounts:signin")
    try:
        actions.do_link(request.user, sociallogin)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(provider)s is linked: you can sign in with it.") % {
            "provider": sociallogin.provider.name})
    return redirect("accounts:settings")
