"""Reports by members; the queue, actions, bans, cases and log for moderators."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q, Sum
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Member
from core.errors import ActionError
from core.http import json_error, sign_in_first, wants_json
from discussion.models import Comment
from moderation import actions
from moderation.guard import moderator_required
from moderation.models import Ban, BrigadeCase, LogEntry, Reason, Report


@require_http_methods(["GET", "POST"])
def report(request, pk):
    # Only a comment the reader may read (the rule of every address that takes a comment id):
    # the page shows its text and links to its article.
    comment = get_object_or_404(Comment.objects.readable_by(request.user).select_related("author", "article"), pk=pk)
    if (refused := sign_in_first(request, "Sign in to report a comment.")) is not None:
        return refused
    error = None
    if request.method == "POST":
        try:
            actions.report(request.user, comment, request.POST.get("reason", ""), request.POST.get("text", ""))
        except ActionError as exc:
            if wants_json(request):
                return json_error(exc)
            error = exc
        else:
            if wants_json(request):
                return JsonResponse({"id": comment.pk, "reported": True}, status=201)
            messages.success(request, "Thank you: the moderators will look at this comment.")
            return redirect(comment.get_absolute_url())
    return render(request, "moderation/report.html", {
        "comment": comment, "reasons": Reason.choices, "error": error.message if error else None,
        "chosen": request.POST.get("reason", ""), "text": request.POST.get("text", ""),
    }, status=error.status if error else 200)


def _queue_items():
    """Reported and held comments, most urgent first: reports weighted by the reporters'
    standing (a reporter with a positive rating counts double), then held ones, oldest first."""
    reported = (Comment.objects.filter(reports__resolved=None)
                .annotate(n_reports=Count("reports", filter=Q(reports__resolved=None), distinct=True),
                          standing=Sum("reports__reporter__rating", filter=Q(reports__resolved=None)),
                          last_report=Max("reports__created"))
                .select_related("author", "article", "parent__author"))
    items = []
    for c in reported:
        weight = c.n_reports * 2 + (c.n_reports if (c.standing or 0) > 0 else 0)
        items.append((weight, c))
    held = (Comment.objects.filter(status=Comment.Status.HELD).exclude(reports__resolved=None)
            .select_related("author", "article", "parent__author"))
    items += [(1, c) for c in held]
    items.sort(key=lambda item: (-item[0], item[1].pk))
    comments = [c for _w, c in items]
    reasons: dict[int, list] = {}
    for r in Report.objects.filter(comment__in=comments, resolved=None).select_related("reporter"):
        reasons.setdefault(r.comment_id, []).append(r)
    for c in comments:
        c.open_reports = reasons.get(c.pk, [])
    return comments


@moderator_required
def queue(request):
    cases = BrigadeCase.objects.filter(state=BrigadeCase.State.OPEN).select_related("target")
    return render(request, "moderation/queue.html", {
        "items": _queue_items(), "cases": cases, "reasons": Reason.choices,
    })


def _act(request, comment):
    action = request.POST.get("action", "")
    if action == "edit":
        return actions.edit(request.user, comment, request.POST.get("body", ""), request.POST.get("note", ""))
    if action == "ban":
        days = request.POST.get("days", "")
        return actions.ban(request.user, comment.author, days=int(days) if days.isdigit() else None,
                           scope=request.POST.get("scope", Ban.Scope.COMMENTING),
                           reason=request.POST.get("note", "") or request.POST.get("reason", ""),
                           hide_comments=bool(request.POST.get("hide_comments")))
    return actions.apply(request.user, action, comment, request.POST.get("reason", ""),
                         request.POST.get("note", ""))


@moderator_required
@require_POST
def act(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("author", "article"), pk=pk)
    try:
        _act(request, comment)
    except ActionError as exc:
        if wants_json(request):
            return json_error(exc)
        messages.error(request, exc.message)
    else:
        if wants_json(request):
            return JsonResponse({"id": comment.pk, "status": comment.status})
        messages.success(request, "Done.")
    return redirect(request.POST.get("next") or reverse("moderation:queue"))


@moderator_required
@require_POST
def bulk(request):
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    action = request.POST.get("action", "")
    if not ids:
        messages.error(request, "Select at least one comment.")
        return redirect("moderation:queue")
    done = 0
    for comment in Comment.objects.filter(pk__in=ids).select_related("author", "article"):
        try:
            actions.apply(request.user, action, comment, request.POST.get("reason", ""),
                          request.POST.get("note", ""))
            done += 1
        except ActionError as exc:
            messages.error(request, f"Comment {comment.pk}: {exc.message}")
    messages.success(request, f"{done} comment{'s' if done != 1 else ''}: {action}.")
    return redirect("moderation:queue")


@moderator_required
@require_http_methods(["GET", "POST"])
def ban_member(request, pk):
    member = get_object_or_404(Member, pk=pk)
    error = None
    if request.method == "POST":
        days = request.POST.get("days", "")
        try:
            actions.ban(request.user, member, days=int(days) if days.strip().isdigit() else None,
                        scope=request.POST.get("scope", ""), reason=request.POST.get("reason", ""),
                        hide_comments=bool(request.POST.get("hide_comments")))
        except ActionError as exc:
            error = exc.message
        else:
            messages.success(request, f"{member.login} is banned.")
            return redirect("moderation:queue")
    return render(request, "moderation/ban.html", {
        "member": member, "scopes": Ban.Scope.choices, "error": error,
        "bans": Ban.objects.filter(member=member).order_by("-created"),
    }, status=400 if error else 200)


@moderator_required
@require_POST
def lift_ban(request, pk):
    b = get_object_or_404(Ban, pk=pk)
    actions.lift_ban(request.user, b, request.POST.get("note", ""))
    messages.success(request, "The ban is lifted.")
    return redirect("moderation:ban", pk=b.member_id)


@moderator_required
@require_POST
def case(request, pk):
    c = get_object_or_404(BrigadeCase, pk=pk, state=BrigadeCase.State.OPEN)
    decision = request.POST.get("decision")
    if decision == "release":
        actions.release_case(request.user, c, request.POST.get("note", ""))
    elif decision == "discard":
        actions.discard_case(request.user, c, request.POST.get("note", ""))
    else:
        messages.error(request, "Choose release or discard.")
    return redirect("moderation:queue")


@moderator_required
def log(request):
    entries = LogEntry.objects.select_related("moderator", "member", "comment", "article")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "moderation/log.html", {"page_obj": page, "entries": page.object_list})


def rules(request):
    from django.conf import settings

    from moderation import brigades, limits

    return render(request, "moderation/rules.html", {
        "limits": limits.ALL, "brigades": brigades, "settings": settings,
    })
