"""The pages of signing in with a provider that are Veche's own: the first sign-in (choose a
login, or link an account you have by its password), unlinking, and the error page. The
redirect to the provider and its callback are allauth's (social.urls)."""

from allauth.socialaccount.internal.flows.signup import clear_pending_signup, get_pending_signup
from allauth.socialaccount.models import SocialAccount
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Member
from accounts.signin import too_many
from core.errors import ActionError
from social import actions
from social.forms import ChooseLoginForm, LinkExistingForm
from social.logins import suggest_login

BACKEND = "accounts.backends.MemberBackend"


def _next(sociallogin) -> str:
    nxt = sociallogin.get_redirect_url(None) or ""
    if nxt.startswith("/") and url_has_allowed_host_and_scheme(nxt, allowed_hosts=None):
        return nxt
    return "/"


def _offered_email(sociallogin) -> tuple[str, bool]:
    """The address the provider gave, and whether another member has it. It is kept on the
    new account only when the provider vouches for it and no member uses it: an address
    never links accounts, and an unverified one would send someone else's reset links."""
    for address in sociallogin.email_addresses:
        if not address.verified:  # asked of no one: "is this address a member's?" is no oracle
            return "", False
        taken = Member.objects.filter(email__iexact=address.email).exists()
        return ("" if taken else address.email), taken
    return "", False


@require_http_methods(["GET", "POST"])
def finish(request):
    """A first sign-in with a provider account no member has linked. Nothing is created and
    no one is signed in until the person chooses: a new login, or an account here whose
    password they give (counted by the sign-in limits and lock, as the sign-in page)."""
    from moderation import limits

    sociallogin = get_pending_signup(request)
    if sociallogin is None:
        messages.error(request, _("That sign-in with another account has expired. Please start again."))
        return redirect("accounts:signin")
    user = sociallogin.user
    email, email_taken = _offered_email(sociallogin)
    choose = ChooseLoginForm(request.POST if request.POST.get("do") == "create" else None, prefix="new",
                             initial={"login": suggest_login(user.login, user.real_name,
                                                             (user.email or "").split("@")[0]),
                                      "real_name": user.real_name})
    link = LinkExistingForm(request.POST if request.POST.get("do") == "link" else None, prefix="link")
    refused = None
    if request.method == "POST" and choose.is_bound and choose.is_valid():
        try:
            limits.hit_signup(request)
            member = actions.do_sign_up_with_provider(choose.cleaned_data["login"], choose.cleaned_data["real_name"],
                                                      email, sociallogin)
        except ActionError as exc:
            choose.add_error("login" if exc.field == "login" else None, exc.message)
            refused = exc if exc.status == 429 else None
        else:
            return _signed_in(request, member, sociallogin,
                              _("Welcome, %(login)s! You can comment now.") % {"login": member.login})
    if request.method == "POST" and link.is_bound and link.is_valid():
        login = link.cleaned_data["username"]
        try:
            limits.check_signin(request, login)
        except ActionError as exc:
            link.add_error(None, exc.message)
            refused = exc
        else:
            member = authenticate(request, username=login, password=link.cleaned_data["password"])
            if member is None:
                link.add_error(None, _("That login and password do not match an account. Logins are "
                                       "not case-sensitive; passwords are."))
            else:
                limits.signin_succeeded(login)
                try:
                    actions.do_link(member, sociallogin)
                except ActionError as exc:
                    link.add_error(None, exc.message)
                else:
                    return _signed_in(request, member, sociallogin,
                                      _("%(provider)s is linked to your account: next time, sign in "
                                        "with either.") % {"provider": sociallogin.provider.name})
    response = render(request, "social/finish.html", {
        "provider": sociallogin.provider.name, "choose": choose, "link": link,
        "email": email, "email_taken": email_taken,
    }, status=400 if request.method == "POST" else 200)
    return too_many(response, refused) if refused else response


def _signed_in(request, member, sociallogin, message):
    nxt = _next(sociallogin)
    clear_pending_signup(request)
    auth_login(request, member, backend=BACKEND)
    messages.success(request, message)
    return redirect(nxt)


@login_required
@require_POST
def unlink(request, pk):
    account = SocialAccount.objects.filter(pk=pk, user=request.user).first()
    if account is None:
        messages.error(request, _("That is not one of your linked accounts."))
        return redirect("accounts:settings")
    name = account.get_provider(request).name
    try:
        actions.do_unlink(request.user, account)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(provider)s is unlinked from your account.") % {"provider": name})
    return redirect("accounts:settings")


def failed(request):
    """allauth's "login error" address, for a sign-in that failed without a page of its own."""
    return render(request, "social/error.html", {
        "reason": _("Signing in with another account did not work. Nothing was signed in. Please "
                    "start again."), "provider": None}, status=400)


def cancelled(request):
    return render(request, "social/error.html", {
        "reason": _("You cancelled signing in with another account. Nothing was changed."),
        "provider": None}, status=400)
