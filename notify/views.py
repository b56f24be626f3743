"""The notifications page, reading, following, preferences, and the signed links of e-mails
(confirm, unsubscribe, unfollow), which work without a session."""

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Member
from core import params
from core.errors import ActionError
from core.http import client_address, json_error
from discussion.models import Comment
from newsroom.models import Article
from notify import actions, kinds, links, mail, unread
from notify.forms import PreferencesForm

PAGE = 30


@login_required
def page(request):
    member = request.user
    qs = unread.visible(member).select_related("comment__article", "actor").order_by("-id")
    paginator = Paginator(qs, PAGE)
    page_obj = paginator.get_page(params.page(request.GET.get("page")))
    rows = list(page_obj.object_list)
    items = mail.items_of(rows)
    return render(request, "notify/page.html", {
        "page_obj": page_obj, "entries": list(zip(rows, items, strict=True)),
        "unread_here": sum(1 for n in rows if n.read_at is None)})


@login_required
@require_POST
def read(request):
    if request.POST.get("all"):
        actions.mark_all_read(request.user)
    else:
        try:
            ids = params.ids(request.POST.getlist("id"), field="id")
        except ActionError as exc:
            messages.error(request, exc.message)
            return redirect("notify:page")
        actions.mark_read(request.user, ids)
    return redirect("notify:page")


@login_required
@require_GET
def unread_json(request):
    response = JsonResponse({"unread": unread.unread_count(request.user)})
    response["Cache-Control"] = "private, no-store"
    return response


def _back(request, article: Article) -> str:
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}, request.is_secure()):
        return nxt
    return article.get_absolute_url() + "#comments"


@login_required
@require_POST
def follow(request, article_id):
    article = get_object_or_404(Article.objects.published(), pk=article_id)
    if request.POST.get("do") == "unfollow":
        actions.unfollow(request.user.pk, article.pk)
        messages.success(request, _("You no longer follow this discussion."))
    else:
        actions.follow(request.user, article.pk)
        messages.success(request, _("You follow this discussion: its new comments are in your notifications."))
    return HttpResponseRedirect(_back(request, article))


@login_required
@require_POST
def preferences(request):
    form = PreferencesForm(request.POST)
    if form.is_valid():
        actions.set_preferences(request.user, form.deliveries(), form.cleaned_data["follow_when_commenting"])
        messages.success(request, _("Your notification settings were saved."))
    else:
        messages.error(request, _("Those settings could not be saved: choose one of the offered values."))
    return redirect("/account/#notifications")


@login_required
@require_POST
def send_confirmation(request):
    if actions.request_confirmation(request.user):
        messages.success(request, _("A confirmation link is on its way to %(address)s.") % {
            "address": request.user.email})
    else:
        messages.info(request, _("There is no address to confirm: add one, or it is confirmed already."))
    return redirect("/account/#notifications")


def _refused(request, title: str, text: str):
    return render(request, "notify/link.html", {"title": title, "text": text, "ok": False}, status=400)


def _bad_link(request):
    return _refused(request, _("This link does not work"), _(
        "It was changed on its way, or it is too old. Nothing was changed. "
        "Sign in and open your settings to choose your e-mails."))


@require_GET
def confirm(request, token):
    found = links.read_confirm(token)
    if found is None:
        return _bad_link(request)
    member_id, address = found
    if not actions.confirm_address(member_id, address):
        return _refused(request, _("This address is no longer yours here"), _(
            "The account's address changed since the link was sent. Nothing was changed."))
    return render(request, "notify/link.html", {"title": _("Your address is confirmed"), "ok": True,
                                                "text": _("Notifications you chose will reach you there.")})


@csrf_exempt  # RFC 8058: a mail client POSTs here without a session; the signed token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    found = links.read_unsubscribe(token)
    if found is None:
        return _bad_link(request)
    member_id, kind = found
    if kind not in kinds.KINDS:
        kind = ""
    if request.method == "POST":
        if Member.objects.filter(pk=member_id).exists():
            actions.unsubscribe(member_id, kind or None)
        return render(request, "notify/link.html", {"title": _("You are unsubscribed"), "ok": True,
                                                    "text": _("We send you no more notification e-mails.")})
    return render(request, "notify/unsubscribe.html", {"token": token})


@csrf_exempt  # the signed token is the proof; a signed-out reader acts from the e-mail
@require_http_methods(["GET", "POST"])
def unfollow_link(request, token):
    found = links.read_unfollow(token)
    if found is None:
        return _bad_link(request)
    member_id, article_id = found
    article = Article.objects.filter(pk=article_id).first()
    if request.method == "POST":
        actions.unfollow(member_id, article_id)
        return render(request, "notify/link.html", {"title": _("You no longer follow this discussion"),
                                                    "ok": True, "text": article.title if article else ""})
    return render(request, "notify/unfollow.html", {"token": token, "article": article})


# --- completing logins in the comment form ------------------------------------------------

COMPLETE_LIMIT = 60  # lookups per member (or address) per minute
COMPLETE_MAX = 8  # logins offered


@require_GET
def logins(request):
    """Logins starting with `q`: first of members who took part in `article`'s discussion."""
    who = f"m{request.user.pk}" if request.user.is_authenticated else "a" + client_address(
        request.META.get("REMOTE_ADDR"), request.META.get("HTTP_X_FORWARDED_FOR", ""), 0)
    key = f"notify-complete:{who}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=70)
    try:
        hits = cache.incr(key)
    except ValueError:
        hits = 1
    if hits > COMPLETE_LIMIT:
        response = json_error(ActionError(_("Too many lookups; wait a minute."), status=429, code="rate_limited"))
        response["Retry-After"] = "60"
        return response
    q = request.GET.get("q", "").strip().lstrip("@").strip('"')
    if not q or len(q) > 32:
        return json_error(ActionError(_("Give the start of a login, 1 to 32 characters."), field="q",
                                      code="bad_query"))
    from core.text import fold

    folded = fold(q)
    found: list[str] = []
    article_id = request.GET.get("article", "")
    members = Member.objects.filter(login_folded__startswith=folded, is_deleted=False, is_active=True)
    if params.is_digits(article_id, max_length=11):
        took_part = Comment.objects.public().filter(article_id=int(article_id)).values("author_id")
        found += list(members.filter(pk__in=took_part).order_by("login").values_list("login", flat=True)[:COMPLETE_MAX])
    if len(found) < COMPLETE_MAX:
        found += list(members.exclude(login__in=found).order_by("login")
                  .values_list("login", flat=True)[:COMPLETE_MAX - len(found)])
    return JsonResponse({"logins": [{"login": x, "insert": _insertable(x)} for x in found]})


def _insertable(login: str) -> str:
    """How the login is written in a comment so it is read back whole."""
    import re

    from core.markup import MENTION_RE

    plain = "@" + login
    m = MENTION_RE.match(plain)
    return plain if m and m.group(0) == plain and not re.search(r"[.\-]$", login) else f'@"{login}"'
