"""Curation's pages: a comment's pick and pin (editors and moderators), a member's ignore
list. Each is a plain form (GET shows it, POST acts and redirects back) and answers JSON to
the page's script."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.models import Member
from core.errors import ActionError
from core.http import json_error, safe_next, wants_json
from curation import actions
from curation.models import Ignore, Pick, Pin
from discussion.models import Comment
from moderation.guard import moderator_required

PICK_ACTIONS = {"pick": actions.pick, "unpick": actions.unpick, "pin": actions.pin, "unpin": actions.unpin}
DONE = {"pick": gettext_lazy("The comment is picked: every reader sees it among the editors’ picks."),
        "unpick": gettext_lazy("The comment is no longer picked."),
        "pin": gettext_lazy("Your note is pinned to the top of the discussion."),
        "unpin": gettext_lazy("Your note is no longer pinned.")}


@never_cache
@moderator_required
@require_http_methods(["GET", "POST"])
def curate(request, pk):
    """Pick or unpick a comment; an editor's own comment may also be pinned. Moderators read
    every comment (Comment.objects.readable_by), so a hidden one opens here, and is refused."""
    comment = get_object_or_404(Comment.objects.readable_by(request.user).select_related("article", "author"), pk=pk)
    error = None
    if request.method == "POST":
        what = request.POST.get("action", "")
        act = PICK_ACTIONS.get(what)
        try:
            if act is None:
                raise ActionError(_("Choose pick, unpick, pin or unpin."), code="bad_action")
            act(request.user, comment, note=request.POST.get("note", "")[:500])
        except ActionError as exc:
            if wants_json(request):
                return json_error(exc)
            error = exc
        else:
            if wants_json(request):
                return JsonResponse({"id": comment.pk, "picked": Pick.objects.filter(comment=comment).exists(),
                                     "pinned": Pin.objects.filter(comment=comment).exists()})
            messages.success(request, str(DONE[what]))
            return redirect(comment.get_absolute_url())
    return render(request, "curation/curate.html", {
        "comment": comment, "article": comment.article,
        "picked": Pick.objects.filter(comment=comment).exists(),
        "pinned": Pin.objects.filter(comment=comment).exists(),
        "may_pin": actions.can_pin(request.user) and comment.author_id == request.user.pk,
        "error": error.message if error else None,
    }, status=error.status if error else 200)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def ignore(request, login):
    """Ignore a member, or stop: from a comment's Ignore link, the profile or the list."""
    target = get_object_or_404(Member, login=login, is_deleted=False)
    back = safe_next(request, _came_from(request) or target.get_absolute_url())
    ignoring = Ignore.objects.filter(member=request.user, ignored=target).exists()
    error = None
    if request.method == "POST":
        what = request.POST.get("action", "")
        try:
            if what == "ignore":
                actions.ignore(request.user, target)
                done = _("You ignore %(login)s now: their comments fold to one line for you.")
            elif what == "unignore":
                actions.unignore(request.user, target)
                done = _("You no longer ignore %(login)s.")
            else:
                raise ActionError(_("Choose ignore or stop ignoring."), code="bad_action")
        except ActionError as exc:
            if wants_json(request):
                return json_error(exc)
            error = exc
        else:
            if wants_json(request):
                return JsonResponse({"member": target.pk, "ignored": what == "ignore"})
            messages.success(request, done % {"login": target.login})
            return redirect(back)
    return render(request, "curation/ignore.html", {
        "target": target, "ignoring": ignoring, "next": back, "self": target.pk == request.user.pk,
        "error": error.message if error else None,
    }, status=error.status if error else 200)


def _came_from(request) -> str | None:
    """The page of this site the Ignore link was followed from (a comment's article), as a path."""
    from urllib.parse import urlsplit

    referer = request.headers.get("Referer", "")
    parts = urlsplit(referer)
    if parts.netloc and parts.netloc == request.get_host() and parts.path.startswith("/") \
            and not parts.path.startswith("//"):
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return None


@never_cache
@login_required
def ignored_list(request):
    """The member's ignore list, in their settings: each with a button to stop ignoring."""
    rows = Ignore.objects.filter(member=request.user).select_related("ignored")
    return render(request, "curation/ignored_list.html", {"rows": rows})
