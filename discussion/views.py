"""Discussion endpoints. Each works as a plain form post (redirecting back to the thread or
showing the form with its error) and, for the page's script, as JSON."""

import uuid

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import ratings
from accounts.presence import online_until
from core import params, statements
from core.errors import ActionError
from core.http import json_error, sign_in_first, wants_json
from core.text import drop_nul
from discussion import actions, decor, page, sql, threads
from discussion import render as thread_render
from discussion.models import Comment
from newsroom import sql as articles
from newsroom.models import Article, Author, Section

DRAFT_SESSION_KEY = "comment_draft"


def _article(slug: str) -> Article:
    return get_object_or_404(Article.objects.published().select_related("section"), slug=slug)


def _comment(request, pk: int) -> Comment:
    """A comment whose text the viewer may read (Comment.objects.readable_by: the same rule for
    every address that takes a comment id), with its article and author, in one indexed query.
    Anything else is "not found", so an address does not tell that a hidden comment exists."""
    return get_object_or_404(
        Comment.objects.readable_by(request.user).select_related("article", "author", "article__section"), pk=pk)


def _vote_target(pk: int) -> Comment:
    """What a vote needs of its comment, in one statement written out (voting is the most
    frequent write): the comment's ids, status and counts and its article's address, for a
    comment of a published article. Other fields load if something asks for them."""
    from django.db import connection

    row = statements.one(sql.VOTE_TARGET, [pk, *articles.shown_params(statements.time(timezone.now()))])
    if row is None:
        raise Http404(_("No such comment."))
    comment = _partial(Comment, connection.alias, dict(zip(("id", "article_id", "author_id", "status", "plus", "minus"),
                                                           row, strict=False)))
    comment.article = _partial(Article, connection.alias, {"id": row[1], "slug": row[6]})
    return comment


def _partial(model, alias: str, values: dict):
    """A model instance from some of its columns (the others load if asked for), as the ORM
    makes one: from_db takes the values in the model's field order."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(alias, names, [values[n] for n in names])


def _comment_json(comment: Comment, request) -> dict:
    from django.middleware.csrf import get_token

    from discussion.live import new_comment_markup, node_for

    data = {"id": comment.pk, "parent": comment.parent_id, "status": comment.status,
            "url": comment.get_absolute_url()}
    if hasattr(comment, "published_node"):  # just posted: the markup its live event carries
        # with its CSRF slots left empty, as in the event: the page's script fills them from
        # its own form (a new token costs 64 random characters).
        node = comment.published_node
        data.update(number=node.index, depth=node.depth, html=thread_render.fill_one(
            new_comment_markup(comment), "", online_until([comment.author_id]), ratings.of([comment.author_id])))
        return data
    node = node_for(comment)
    if node is None and comment.status == Comment.Status.HELD:
        c = Comment.objects.select_related("author").get(pk=comment.pk)
        node = threads.Node(c, 0, None, c.depth)  # only its author sees it: no number yet
    if node is not None:
        # The answer goes to the comment's author alone (they posted or edited it).
        held = comment.status == Comment.Status.HELD
        html = thread_render.render_comment(node, held=held, private=True) + "</li>"
        data.update(number=node.index, depth=node.depth,
                    html=thread_render.fill_one(html, get_token(request), online_until([comment.author_id]),
                                                     ratings.of([comment.author_id])))
    return data


def _keep_draft_and_sign_in(request, article: Article, body: str, parent: int | None):
    # The body is the raw form field when the form refused it: keep it as the comment would be
    # kept, without NUL (which the request layer refuses anyway).
    request.session[DRAFT_SESSION_KEY] = {"article": article.pk, "body": drop_nul(body)[:20000], "parent": parent}
    messages.info(request, _("Sign in to publish your comment: your text is kept."))
    back = article.get_absolute_url() + "#comment-form"
    # Encoded, or the browser would take "#comment-form" for the sign-in page's own anchor.
    return HttpResponseRedirect(f"{reverse('accounts:signin')}?{urlencode({'next': back})}")


def _post_target(slug: str) -> Article:
    """What posting needs of its article — whether it is published and open, whether it and its
    section hold comments for moderation, its address — in one statement written out, as
    _vote_target does for votes. Other fields load if something asks for them."""
    from datetime import UTC

    from django.db import connection

    row = statements.one(sql.POST_TARGET, [slug, *articles.shown_params(statements.time(timezone.now()))])
    if row is None:
        raise Http404(_("No such publication."))
    row = list(row)
    if row[4].tzinfo is None:  # SQLite's driver gives the stored UTC time without its zone
        row[4] = row[4].replace(tzinfo=UTC)
    article = _partial(Article, connection.alias, dict(zip(
        ("id", "slug", "title", "state", "published_at", "comments_open", "comments_close_after_days",
         "premoderated", "section_id"), row, strict=False)))
    article.language = row[12]  # the new comment's search index and live markup ask it
    article.section = _partial(Section, connection.alias, {"id": row[8], "premoderated": bool(row[9])})
    article.author_id = row[10]
    if row[10] is not None:  # the new comment's badges ask whether its author wrote the article
        article.author = _partial(Author, connection.alias, {"id": row[10], "member_id": row[11]})
    return article


@require_POST
def post_comment(request, slug):
    """A new comment or reply. `parent` names the comment replied to."""
    article = _post_target(slug)
    # The text as sent: the action gives the precise message for an empty, long or broken one.
    body = request.POST.get("body", "")
    try:
        parent = params.optional_number(request.POST.get("parent"), field="parent",
                                        label=_("The comment replied to"))
    except ActionError as error:  # refused, not quietly posted as a top-level comment
        if wants_json(request):
            return json_error(error)
        return _form_again(request, article, body, None, error)
    if not request.user.is_authenticated:
        if wants_json(request):
            return json_error(ActionError(_("Sign in to comment."), status=401, code="signin"))
        return _keep_draft_and_sign_in(request, article, body, parent)
    if request.POST.get("preview"):  # the form's Preview button: nothing is posted
        return _preview_page(request, article, body, parent)
    try:
        comment = actions.post_comment(request.user, article, body, parent,
                                       idempotency_key=repeat_key(request.POST.get("idempotency_key", "")))
    except ActionError as error:
        if wants_json(request):
            return json_error(error)
        return _form_again(request, article, body, parent, error)
    request.session.pop(DRAFT_SESSION_KEY, None)
    if wants_json(request):
        return JsonResponse(_comment_json(comment, request), status=201)
    if comment.status == Comment.Status.HELD:
        messages.info(request, _("Your comment awaits moderation; only you see it until then."))
    return redirect(comment.get_absolute_url())


def repeat_key(raw: str) -> str | None:
    """The key a form or script sends with a post so that a retry stores it once (the form's
    hidden field, a uuid): trimmed; None when there is none or it is longer than its column —
    then the post is simply not deduplicated, as no earlier post can have stored such a key.
    (A NUL never gets here: core.middleware refuses the whole request.)"""
    key = raw.strip()
    return key if key and len(key) <= REPEAT_KEY_MAX else None


REPEAT_KEY_MAX = Comment._meta.get_field("idempotency_key").max_length


def _wait(member, error: ActionError | None = None) -> dict | None:
    """When the member may comment again, for the form to say (None: now). A refused post
    knows it from its error; otherwise the limits are asked, counting nothing."""
    from datetime import timedelta

    from moderation import limits

    if error is not None and error.code == "rate_limited":
        seconds = error.retry_after
    elif member.is_authenticated and error is None:
        seconds = limits.comment_wait(member)
    else:
        seconds = None
    if not seconds:
        return None
    at = timezone.now() + timedelta(seconds=seconds)
    return {"seconds": seconds, "at": at, "epoch": int(at.timestamp())}


def _preview_page(request, article, body, parent):
    """The comment as it will show, above the form holding its text (no script needed)."""
    try:
        html = actions.preview_comment(request.user, article, body)
    except ActionError as error:
        return _form_again(request, article, body, parent, error)
    return _form_again(request, article, body, parent, None, preview=html)


@require_POST
def preview(request, slug):
    """The page's script asks for the markup of what is being typed, debounced: `{"html"}`, or
    the reason it cannot be shown. Renders as posting does; writes nothing."""
    article = _post_target(slug)
    body = drop_nul(request.POST.get("body", ""))
    try:
        html = actions.preview_comment(request.user, article, body)
    except ActionError as error:
        return json_error(error)
    return JsonResponse({"html": html})


def _form_again(request, article, body, parent, error: ActionError | None, template="discussion/reply.html",
                preview: str | None = None):
    # The form shows the comment replied to: only one this reader may read, of this article.
    parent_comment = (Comment.objects.readable_by(request.user).filter(pk=parent, article_id=article.pk)
                      .select_related("author").first()) if parent else None
    response = render(
        request, template,
        {"article": article, "parent": parent_comment, "body": body, "error": error.message if error else None,
         "wait": _wait(request.user, error), "preview": preview,
         "idempotency_key": uuid.uuid4().hex, "post_url": reverse("discussion:post", args=[article.slug])},
        status=200 if error is None else error.status if error.status != 401 else 400,
    )
    if error is not None and error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    return response


@require_http_methods(["GET", "POST"])
def reply(request, pk):
    """A page with one comment and the reply form: the no-JavaScript way to reply or quote."""
    parent = _comment(request, pk)
    article = parent.article
    if request.method == "POST":
        return post_comment(request, article.slug)
    body = ""
    if request.GET.get("quote"):
        body = quote_markdown(parent)
    return render(request, "discussion/reply.html", {
        "article": article, "parent": parent, "body": body, "idempotency_key": uuid.uuid4().hex,
        "wait": _wait(request.user),
        "post_url": reverse("discussion:post", args=[article.slug]),
    })


def quote_markdown(comment: Comment, text: str | None = None) -> str:
    """A block quote of `text` (default: the whole comment) recording its source."""
    words = (text if text is not None else comment.body).strip()
    lines = [f"> [quote=c{comment.pk}]"] + [f"> {line}" if line else ">" for line in words.split("\n")]
    return "\n".join(lines) + "\n\n"


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    comment = _comment(request, pk)
    if (refused := sign_in_first(request, _("Sign in to edit."))) is not None:
        return refused
    body = request.POST.get("body", comment.body)
    error = None
    if request.method == "POST":
        try:
            actions.edit_comment(request.user, comment, body)
        except ActionError as exc:
            if wants_json(request):
                return json_error(exc)
            error = exc
        else:
            if wants_json(request):
                return JsonResponse(_comment_json(comment, request))
            return redirect(comment.get_absolute_url())
    elif not comment.is_editable_by(request.user):
        if wants_json(request):
            return json_error(ActionError(_("You can edit only your own comments, for 15 minutes after "
                                          "posting."), status=403, code="not_editable"))
        error = ActionError(
            _("You can edit only your own comments, for 15 minutes after posting.") , status=403)
    if wants_json(request) and request.method == "GET":
        return JsonResponse({"id": comment.pk, "body": comment.body})
    return render(request, "discussion/edit.html",
                  {"comment": comment, "article": comment.article, "body": body,
                   "error": error.message if error else None},
                  status=error.status if error else 200)


@require_http_methods(["GET", "POST"])
def delete(request, pk):
    comment = _comment(request, pk)
    if (refused := sign_in_first(request)) is not None:
        return refused
    error = None
    if request.method == "POST":
        try:
            actions.delete_comment(request.user, comment)
        except ActionError as exc:
            if wants_json(request):
                return json_error(exc)
            error = exc
        else:
            if wants_json(request):
                return JsonResponse({"id": comment.pk, "status": comment.status})
            messages.info(request, _("Your comment was deleted."))
            return redirect(comment.article.get_absolute_url() + "#comments")
    elif not comment.is_deletable_by(request.user):
        error = ActionError(_("You can delete only your own comments."), status=403)
    return render(request, "discussion/delete.html",
                  {"comment": comment, "article": comment.article,
                   "error": error.message if error else None},
                  status=error.status if error else 200)


@require_POST
def vote(request, pk):
    """+1 / −1; the same value again takes the vote back (a toggle, as the buttons show)."""
    comment = _vote_target(pk)
    if not comment.text_is_readable_by(request.user):  # _vote_target checked the article
        raise Http404(_("No such comment."))
    if (refused := sign_in_first(request, _("Sign in to vote."), comment.get_absolute_url())) is not None:
        return refused
    try:
        value = params.number(request.POST.get("value", ""), field="value", low=-1, high=1,
                              label=_("A vote"))
        plus, minus, mine = actions.vote(request.user, comment, value, toggle=request.POST.get("mode") != "set")
    except ActionError as error:
        if wants_json(request):
            return json_error(error)
        messages.error(request, error.message)
        return redirect(comment.get_absolute_url())
    if wants_json(request):
        return JsonResponse({"id": comment.pk, "plus": plus, "minus": minus, "mine": mine})
    return redirect(comment.get_absolute_url())


@require_GET
def thread_fragment(request, slug):
    """The discussion alone, for a page whose live stream fell too far behind."""
    article = _article(slug)
    order = request.GET.get("order", "oldest")
    if order not in page.ORDERS:
        return JsonResponse({"error": "bad_order", "message": _("“order” is one of %(orders)s (you sent %(order)s).") % {
            "orders": ", ".join(page.ORDERS), "order": order[:20] or _("nothing")}}, status=400)
    number = params.page(request.GET.get("p", "1"))
    data = page.for_viewer(request, article, order, number)
    # "picks": what apps show above the thread (curation's strip), replaced with the thread.
    html = thread_render.list_only(data["thread_html"])  # the page has its vote form
    return JsonResponse({"html": html.decode(), "style": data["marks"].style,
                         "count": article.comment_count, "page": data["page"], "pages": data["pages"],
                         "picks": decor.above(article)})


@never_cache
@require_GET
def comment_actions(request, pk):
    """A comment's action page, where its "More" link leads: every action the viewer may take
    on it, as plain links (each a form of its own behind them), so the thread carries only
    those every comment has. Read by the one rule (`_comment`): a comment the viewer may not
    read is "not found", as one that does not exist. Drawn for one viewer: never cached."""
    from accounts.roles import can_moderate

    comment = _comment(request, pk)
    user = request.user
    visible = comment.status == Comment.Status.VISIBLE
    own = user.is_authenticated and user.pk == comment.author_id
    moderator = can_moderate(user)
    # An article not yet published (an editor reads its comments) takes no replies, reports
    # or picks; a closed discussion takes no replies: only what the actions would accept.
    published = comment.article.is_visible()
    open_now = published and comment.article.comments_closed_reason() is None
    response = render(request, "discussion/actions.html", {
        "comment": comment, "article": comment.article,
        # What those who may read a comment that is not public are told of it.
        "status_note": {Comment.Status.HELD: thread_render.words()["held"],
                        Comment.Status.REMOVED: thread_render.words()["removed"],
                        Comment.Status.DELETED: thread_render.words()["deleted"]}.get(comment.status, ""),
        "may_reply": open_now and (visible or (own and comment.status == Comment.Status.HELD)),
        "may_report": published and visible and not own,
        "may_edit": comment.is_editable_by(user),
        "may_delete": comment.is_deletable_by(user),
        "may_ignore": visible and user.is_authenticated and not own and not comment.author.is_deleted,
        "may_pick": moderator and visible and published,
        "may_see_history": moderator and comment.edited is not None,
    })
    response["X-Robots-Tag"] = "noindex"
    return response
