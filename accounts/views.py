"""Sign-up, sign-in, profiles, replies and a member's own data."""

import json

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import actions, replies
from accounts.forms import ProfileForm, SignInForm, SignUpForm
from accounts.models import Member
from accounts.presence import online_ids
from core import params
from core.errors import ActionError
from core.http import safe_next
from discussion.models import Comment
from discussion.render import avatar_hue, initials


@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from moderation import limits

        try:
            limits.hit_signup(request)
            member = actions.do_sign_up(form.cleaned_data["login"], form.cleaned_data["password"],
                                        form.cleaned_data["email"], form.cleaned_data["real_name"])
        except ActionError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            auth_login(request, member, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {member.login}! You can comment now.")
            return redirect(safe_next(request, "/"))
    return render(request, "accounts/signup.html", {"form": form, "next": safe_next(request, "/")},
                  status=400 if request.method == "POST" else 200)


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
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            response["Retry-After"] = str(exc.retry_after)
            return response
        response = super().post(request, *args, **kwargs)
        if request.user.is_authenticated:
            limits.signin_succeeded(login)
        else:
            limits.signin_failed(login)
        return response


class SignOutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:settings")

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this session, ends the others
        messages.success(self.request, "Your password was changed; other sessions were signed out.")
        return response


def profile(request, login):
    member = get_object_or_404(Member, login=login, is_deleted=False)
    comments = (Comment.objects.filter(author=member, status=Comment.Status.VISIBLE,
                                       article__state__in=["published", "scheduled"],
                                       article__published_at__lte=timezone.now())
                .select_related("article").order_by("-id")[:20])
    return render(request, "accounts/profile.html", {
        "member": member, "online": member.pk in online_ids([member.pk]), "comments": comments,
        "hue": avatar_hue(member.pk), "initials": initials(member.login),
    })


@login_required
def replies_page(request):
    member = request.user
    seen_before = member.replies_seen_at
    paginator = Paginator(replies.replies_to(member), 30)
    page = paginator.get_page(params.page(request.GET.get("page")))
    Member.objects.filter(pk=member.pk).update(replies_seen_at=timezone.now())
    replies.forget_unread(member.pk)
    return render(request, "accounts/replies.html",
                  {"page_obj": page, "items": page.object_list, "seen_before": seen_before,
                   "unread_replies": 0})


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    member = request.user
    form = ProfileForm(request.POST or None, initial={
        "real_name": member.real_name, "email": member.email, "about": member.about})
    if request.method == "POST" and form.is_valid():
        actions.do_update_profile(member, **form.cleaned_data)
        messages.success(request, "Your profile was saved.")
        return redirect("accounts:settings")
    return render(request, "accounts/settings.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    if request.method == "POST":
        if not request.user.check_password(request.POST.get("password", "")):
            return render(request, "accounts/delete.html",
                          {"error": "The password is not right."}, status=400)
        member = request.user
        actions.do_delete_account(member)
        from django.contrib.auth import logout

        logout(request)
        messages.info(request, "Your account was deleted. Your comments stay, without your profile.")
        return redirect("newsroom:front")
    return render(request, "accounts/delete.html", {})


@login_required
def my_data(request):
    """A member's own data as one JSON file: profile, comments and votes."""
    from imports.export import member_data

    body = json.dumps(member_data(request.user), ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="veche-{request.user.pk}.json"'
    return response


def presence_api(request):
    """Who of `ids` (comma-separated member ids, at most 500) is Online, and until when; the
    article page polls it so presence stays right without a live event per request."""
    import time

    from django.http import JsonResponse

    from core.http import json_error

    try:  # the page asks for at most 500; more are not looked at
        ids = params.ids(request.GET.get("ids", "").split(",")[:500], field="ids", empty_ok=True)
    except ActionError as exc:
        return json_error(exc)
    from accounts.presence import online_until

    online = online_until(ids)
    return JsonResponse({"now": int(time.time()), "online": {str(k): int(v) for k, v in online.items()}})
