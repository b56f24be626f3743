"""Reports by members; the queue, actions, bans, cases and log for moderators."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Member
from core import params
from core.errors import ActionError
from core.http import json_error, safe_next, sign_in_first, wants_json
from discussion.models import Comment
from moderation import actions, policy
from moderation.guard import moderator_required
from moderation.models import Ban, BrigadeCase, LogEntry, Reason, Report


@require_http_methods(["GET", "POST"])
def report(request, pk):
    # Only a comment the reader may read (the rule of every address that takes a comment id):
    # the page shows its text and links to its article.
    comment = get_object_or_404(Comment.objects.readable_by(request.user).select_related("author", "article"), pk=pk)
    if (refused := sign_in_first(request, _("Sign in to report a comment."))) is not None:
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
            messages.success(request, _("Thank you: the moderators will look at this comment."))
            return redirect(comment.get_absolute_url())
    return render(request, "moderation/report.html", {
        "comment": comment, "reasons": Reason.choices, "error": error.message if error else None,
        "chosen": request.POST.get("reason", ""), "text": request.POST.get("text", ""),
    }, status=error.status if error else 200)


QUEUE_SHOWN = 200  # items the queue page lists, most urgent first; the rest wait their turn


def _queue_items() -> tuple[list[Comment], int, int, int]:
    """(comments, how many have open reports, how many are held, how many wait in all — a
    held comment may be reported too): comments with open reports,
    most urgent first — reports weighted by the reporters' standing (policy.report_weight)
    — then held ones, oldest first.

    Found from the open reports (their partial index) and the held comments
    (their partial index), never by walking the comments: a comment never reported, or whose
    reports were all resolved, is not in the queue."""
    reports: dict[int, list[Report]] = {}
    for r in Report.objects.filter(resolved=None).select_related("reporter").order_by("id"):
        reports.setdefault(r.comment_id, []).append(r)
    held = list(Comment.objects.filter(status=Comment.Status.HELD).values_list("id", flat=True))
    weight = {cid: sum(policy.report_weight(r.reporter) for r in rs) for cid, rs in reports.items()}
    for cid in held:
        weight.setdefault(cid, 1)
    shown = sorted(weight, key=lambda cid: (-weight[cid], cid))[:QUEUE_SHOWN]
    found = Comment.objects.select_related("author", "article", "parent__author").in_bulk(shown)
    comments = [found[cid] for cid in shown if cid in found]
    for c in comments:
        c.open_reports = reports.get(c.pk, [])
    return comments, len(reports), len(held), len(weight)


@moderator_required
def queue(request):
    cases = BrigadeCase.objects.filter(state=BrigadeCase.State.OPEN).select_related("target")
    items, n_reported, n_held, n_waiting = _queue_items()
    return render(request, "moderation/queue.html", {
        "items": items, "n_reported": n_reported, "n_held": n_held, "n_waiting": len(items),
        "more": n_waiting - len(items),
        "cases": cases, "reasons": Reason.choices,
    })


def _act(request, comment):
    action = request.POST.get("action", "")
    if action == "edit":
        return actions.edit(request.user, comment, request.POST.get("body", ""), request.POST.get("note", ""))
    if action == "ban":
        days = params.optional_number(request.POST.get("days"), field="days", label=_("Days"))
        return actions.ban(request.user, comment.author, days=days,
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
        messages.success(request, _("Done."))
    # Only a path on this site: a form's `next` must not send a moderator elsewhere.
    return redirect(safe_next(request, reverse("moderation:queue")))


BULK_MAX = QUEUE_SHOWN  # the queue page shows no more than this to select from


@moderator_required
@require_POST
def bulk(request):
    action, reason = request.POST.get("action", ""), request.POST.get("reason", "")
    try:
        ids = params.ids(request.POST.getlist("ids"), field="ids", limit=BULK_MAX)
        actions.check_comment_action(action, reason)  # once, before any comment is touched
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("moderation:queue")
    if not ids:
        messages.error(request, _("Select at least one comment."))
        return redirect("moderation:queue")
    done = 0
    for comment in Comment.objects.filter(pk__in=ids).select_related("author", "article"):
        try:
            actions.apply(request.user, action, comment, reason, request.POST.get("note", ""))
            done += 1
        except ActionError as exc:
            messages.error(request, _("Comment %(id)s: %(message)s") % {"id": comment.pk, "message": exc.message})
    messages.success(request, ngettext("%(n)s comment: %(action)s.", "%(n)s comments: %(action)s.", done)
                     % {"n": done, "action": action})
    return redirect("moderation:queue")


@moderator_required
@require_http_methods(["GET", "POST"])
def ban_member(request, pk):
    member = get_object_or_404(Member, pk=pk)
    error = None
    if request.method == "POST":
        try:
            # Empty is a permanent ban; anything else must be a number of days, so a typo
            # ("3O") is refused rather than taken for "permanent".
            days = params.optional_number(request.POST.get("days", ""), field="days",
                                          label=_("Days"))  # its range is the action's to say
            actions.ban(request.user, member, days=days,
                        scope=request.POST.get("scope", ""), reason=request.POST.get("reason", ""),
                        hide_comments=bool(request.POST.get("hide_comments")))
        except ActionError as exc:
            error = exc.message
        else:
            messages.success(request, _("%(login)s is banned.") % {"login": member.login})
            return redirect("moderation:queue")
    return render(request, "moderation/ban.html", {
        "member": member, "scopes": Ban.Scope.choices, "error": error,
        "days": request.POST.get("days", ""), "reason": request.POST.get("reason", ""),
        "scope": request.POST.get("scope", Ban.Scope.COMMENTING),
        "bans": Ban.objects.filter(member=member).order_by("-created"),
    }, status=400 if error else 200)


@moderator_required
@require_POST
def lift_ban(request, pk):
    b = get_object_or_404(Ban, pk=pk)
    actions.lift_ban(request.user, b, request.POST.get("note", ""))
    messages.success(request, _("The ban is lifted."))
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
        messages.error(request, _("Choose release or discard."))
    return redirect("moderation:queue")


@moderator_required
def log(request):
    entries = LogEntry.objects.select_related("moderator", "member", "comment", "article")
    page = Paginator(entries, 50).get_page(params.page(request.GET.get("page")))
    return render(request, "moderation/log.html", {"page_obj": page, "entries": page.object_list})


@moderator_required
def history(request, pk):
    """A comment's versions, oldest first, each with its difference from the next (difflib):
    what its author first wrote stays readable after their edits and a moderator's."""
    import difflib

    from discussion.models import CommentRevision

    comment = get_object_or_404(Comment.objects.select_related("article", "author"), pk=pk)
    revisions = list(CommentRevision.objects.filter(comment=comment).select_related("replaced_by"))
    texts = [r.body for r in revisions] + [comment.body]
    versions = []
    for i, rev in enumerate(revisions):
        diff = list(difflib.unified_diff(texts[i].splitlines(), texts[i + 1].splitlines(),
                                         _("before"), _("after"), lineterm="", n=2))
        versions.append({"revision": rev, "diff": [(line[:1], line) for line in diff[2:]]})
    return render(request, "moderation/history.html", {"comment": comment, "versions": versions})


def rules(request):
    from django.conf import settings

    from moderation import brigades, limits

    return render(request, "moderation/rules.html", {
        "limits": limits.ALL, "brigades": brigades, "settings": settings,
    })


@moderator_required
def search(request):
    """Comments of every status, found by their words: the public search's index and rules,
    with what only moderators may read (held, removed, deleted) and each one's status."""
    from newsroom.models import Section
    from search import queries, sql, words
    from search import views as search_views

    raw = request.GET.get("q", "")
    query = words.parse(raw)
    f = queries.read_filters(request.GET, moderation=True)
    number = params.page(request.GET.get("page"), high=queries.MAX_PAGE)
    notes = search_views.notes_for(query, f)
    found = None
    if query.ok:
        try:
            found = queries.comments(request.user, query, f, number, moderation=True)
        except sql.TooSlow:
            notes.append(search_views.too_slow())
    link = search_views.link_maker(request, ("q", "section", "author", "from", "to", "status"))
    # The template is the search app's (search/moderation.html), with its words in that app's catalog.
    return render(request, "search/moderation.html", {
        "q": search_views.echo(raw), "query": query, "filters": f, "comments": found,
        "notes": notes, "sections": Section.objects.all(),
        "statuses": Comment.Status.choices,
        "links": {"previous": link(page=number - 1) if found and found.has_previous else "",
                  "next": link(page=number + 1) if found and found.has_next else ""},
        "since": request.GET.get("from", "")[:10] if f.since else "",
        "until": request.GET.get("to", "")[:10] if f.until else "",
    })
