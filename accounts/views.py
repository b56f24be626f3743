"""Profiles, replies and a member's own data and settings (the doors into an account are in
accounts.signin)."""

import json
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Min
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.formats import date_format, number_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts import actions, replies
from accounts.forms import ProfileForm
from accounts.models import Member, real_name_shown
from accounts.presence import online_ids
from accounts.signin import too_many
from core import languages, params
from core.display import avatar_hue, initials
from core.errors import ActionError
from core.middleware import set_language_cookie
from discussion.models import Comment
from newsroom import seo
from newsroom.models import Article


@csrf_exempt
@require_http_methods(["POST"])
def set_language(request):
    """The footer's language switcher (a plain form): the choice is kept in a cookie, and for
    a member saved with their settings; then back to the page they were on. A language the
    site does not offer changes nothing.

    Exempt from the CSRF check because the anonymous page that carries the form is shared by
    every reader and has no token (what a forged post could do is set a reader's cookie to
    another offered language). A member's saved choice is changed only by a post that passes
    the check (their pages carry their token)."""
    language = languages.supported(request.POST.get("language"))
    back = request.POST.get("back", "")  # the page the switcher was on (not "next": no sign-in flow)
    if (not back.startswith("/") or back.startswith(("//", "/\\"))
            or not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure())):
        back = "/"
    # Without the address's own ?lang=, which would outrank the choice just made.
    path, _, query = back.partition("?")
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "lang"]
    response = HttpResponseRedirect(path + ("?" + urlencode(kept) if kept else ""))
    if language:
        set_language_cookie(response, language, request.is_secure())
        if request.user.is_authenticated and _csrf_passed(request):
            actions.do_set_language(request.user, language)
    return response


def _csrf_passed(request) -> bool:
    from django.middleware.csrf import CsrfViewMiddleware

    return CsrfViewMiddleware(lambda r: None).process_view(request, lambda r: None, (), {}) is None


def _password_check_refused(request) -> ActionError | None:
    """A page that asks for the member's password is a door for guessing it (a session left
    open is enough): it counts against the same limits and lock as signing in."""
    from moderation import limits

    try:
        limits.check_signin(request, request.user.login)
    except ActionError as exc:
        return exc
    return None


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:settings")

    def post(self, request, *args, **kwargs):
        refused = _password_check_refused(request)
        if refused is not None:
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, refused.message)
            return too_many(self.render_to_response(self.get_context_data(form=form)), refused)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        """The old password was right (the new ones did not match, or were refused): the
        attempt counted by post() was no guess, so it leaves the lock's count as a sign-in does."""
        if "old_password" not in form.errors:
            from moderation import limits

            limits.signin_succeeded(self.request.user.login)
        return super().form_invalid(form)

    def form_valid(self, form):
        from moderation import limits

        limits.signin_succeeded(self.request.user.login)
        response = super().form_valid(form)  # keeps this session, ends the others
        messages.success(self.request, _("Your password was changed; other sessions were signed out."))
        return response


PROFILE_COMMENTS = 20  # the latest comments a profile lists


def profile_head(member: Member, public_comments: int, joined) -> dict:
    """What the profile's head tells search engines (newsroom/_head.html). It asks them to
    leave the page out (noindex) unless the member chose to be found (their settings), their
    account is active (not one an administrator switched off), and it lists at least one
    public comment: an empty profile is nothing to find (newsroom.sitemaps.MemberSitemap lists
    exactly the others). Nothing keeps the
    page (docs/caching.md), so a change of that choice shows at its next request."""
    description = ngettext(
        "%(name)s on %(site)s: %(count)s comment since %(month)s.",
        "%(name)s on %(site)s: %(count)s comments since %(month)s.", public_comments) % {
        "name": member.display_name, "site": settings.VECHE_SITE_NAME,
        "count": number_format(public_comments), "month": date_format(timezone.localtime(joined), "E Y")}
    return seo.head(title=f"{member.login} — {settings.VECHE_SITE_NAME}",
                    description=seo.shorten(description, seo.DESCRIPTION_CHARS),
                    canonical=seo.absolute(member.get_absolute_url()), kind="profile",
                    noindex=not (member.profile_indexable and member.is_active and public_comments))


def profile(request, login):
    """A member's public page. A deleted account's says only that (410): no presence, no
    data left from before. The comments listed are those any reader can see (visible, on a
    published article), newest written first — an import writes old comments after new ones,
    so the id says nothing about time."""
    member = get_object_or_404(Member, login=login)
    if member.is_deleted:
        return render(request, "accounts/profile_deleted.html", {"login": member.login}, status=410)
    visible = Comment.objects.filter(author=member, status=Comment.Status.VISIBLE,
                                     article__in=Article.objects.published())
    comments = visible.select_related("article").order_by("-created", "-id")[:PROFILE_COMMENTS]
    # An imported member was often created after the comments it brings: they joined no later
    # than their first comment — of those anyone may read (a held or removed one, or one on an
    # unpublished article, is nobody's business, and the description carries this date).
    first = visible.aggregate(first=Min("created"))["first"]
    joined = min(member.date_joined, first) if first else member.date_joined
    response = render(request, "accounts/profile.html", {
        "member": member, "online": member.pk in online_ids([member.pk]), "comments": comments,
        "joined": joined, "real_name": real_name_shown(member.login, member.real_name),
        "hue": avatar_hue(member.pk), "initials": initials(member.login),
        "seo": profile_head(member, visible.count(), joined),
    })
    if request.user.is_authenticated:
        # The page carries the viewer's own header (and on their own profile, their data link).
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Cookie"])
    return response


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
        "real_name": member.real_name, "email": member.email, "about": member.about,
        "language": member.language, "profile_indexable": member.profile_indexable})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        language = data.pop("language", "")
        indexable = data.pop("profile_indexable", False)
        actions.do_update_profile(member, **data)
        actions.do_set_language(member, language)
        actions.do_set_profile_indexable(member, indexable)
        if language:
            translation.activate(language)  # the message below speaks the language just chosen
        messages.success(request, _("Your profile was saved."))
        response = redirect("accounts:settings")
        if language:
            set_language_cookie(response, language, request.is_secure())
        else:
            response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, samesite=settings.LANGUAGE_COOKIE_SAMESITE)
        return response
    return render(request, "accounts/settings.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    if request.method == "POST":
        refused = _password_check_refused(request)
        if refused is not None:
            return too_many(render(request, "accounts/delete.html", {"error": refused.message}), refused)
        if not request.user.check_password(request.POST.get("password", "")):
            return render(request, "accounts/delete.html",
                          {"error": _("The password is not right.")}, status=400)
        member = request.user
        actions.do_delete_account(member)
        from django.contrib.auth import logout

        logout(request)
        messages.info(request, _("Your account was deleted. Your comments stay, without your profile."))
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
