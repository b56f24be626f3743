"""The doors into an account: sign-up, sign-in (Veche's page and the admin's), sign-out and
password reset. Every one is counted by moderation.limits: a door without a limit is where
passwords would be guessed."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import actions
from accounts.forms import ClaimingPasswordResetForm, SignInForm, SignUpForm
from core.errors import ActionError
from core.http import safe_next


def too_many(response, exc: ActionError):
    """A form page refused by a rate limit: 429 and when to try again, as the README says."""
    response.status_code = 429
    if exc.retry_after:
        response["Retry-After"] = str(exc.retry_after)
    return response


@require_http_methods(["GET", "POST"])
def signup(request):
    from moderation import limits

    form = SignUpForm(request.POST or None)
    refused = None
    if request.method == "POST" and form.is_valid():
        try:
            limits.hit_signup(request)
            member = actions.do_sign_up(form.cleaned_data["login"], form.cleaned_data["password"],
                                        form.cleaned_data["email"], form.cleaned_data["real_name"])
            from notify.actions import choose_at_signup

            choose_at_signup(member, request.POST.get("notify_email", ""))
        except ActionError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            refused = exc if exc.status == 429 else None
        else:
            auth_login(request, member, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome, %(login)s! You can comment now.") % {"login": member.login})
            return redirect(safe_next(request, "/"))
    response = render(request, "accounts/signup.html", {"form": form, "next": safe_next(request, "/")},
                      status=400 if request.method == "POST" else 200)
    return too_many(response, refused) if refused else response


class SignInView(auth_views.LoginView):
    """Sign-in, limited per address and per account: after repeated failures the account
    is locked for a while, and the page says until when."""

    template_name = "accounts/signin.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        from moderation import limits

        login = request.POST.get("username", "")
        try:
            limits.check_signin(request, login)
        except ActionError as exc:
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, exc.message)
            return too_many(self.render_to_response(self.get_context_data(form=form)), exc)
        response = super().post(request, *args, **kwargs)
        if request.user.is_authenticated:
            limits.signin_succeeded(login)
        return response


class SignOutView(auth_views.LogoutView):
    """Sign-out; presence ends with it (accounts.apps connects it to every sign-out)."""


def admin_sign_in(request):
    """The admin's sign-in door, /admin/login/. Django's own form there checked passwords with
    no limit and no lock, so it is Veche's instead: a visitor is sent to the sign-in page,
    and a form posted here is Veche's sign-in with the same limits and lock. A member without
    admin access is told so (sending them to sign in would come straight back: a loop)."""
    index = reverse("admin:index")
    nxt = safe_next(request, index)
    if request.method == "POST":
        return SignInView.as_view(next_page=index)(request)
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return HttpResponseRedirect(nxt)
        return render(request, "accounts/admin_refused.html", status=403)
    return HttpResponseRedirect(f"{reverse('accounts:signin')}?{urlencode({'next': nxt})}")


class PasswordResetView(auth_views.PasswordResetView):
    """A reset link by e-mail, limited per client address (429) and per target address: past
    that, no mail goes and the answer is the usual "check your e-mail" page, so the limit says
    nothing about whether an account has the address."""

    template_name = "accounts/password_reset.html"
    form_class = ClaimingPasswordResetForm
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")

    def form_valid(self, form):
        from moderation import limits

        try:
            send = limits.check_password_reset(self.request, form.cleaned_data["email"])
        except ActionError as exc:
            form.add_error(None, exc.message)
            return too_many(self.render_to_response(self.get_context_data(form=form)), exc)
        if not send:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
