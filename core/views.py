import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from core.http import wants_json

API_PREFIX = "/api/"


def not_found(request, exception=None):
    """The 404 page; under /api/, JSON with the reason, as every API answer is."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"error": "not_found", "message": _reason(exception)}, status=404)
    return render(request, "404.html", status=404)


def _reason(exception) -> str:
    """A view's own sentence ("No such publication."), not the resolver's report nor
    get_object_or_404's ("No Article matches the given query."), which name our internals."""
    said = exception.args[0] if exception is not None and exception.args else None
    if isinstance(said, str) and said and not said.endswith("matches the given query."):
        return said
    return _("There is nothing at this address.")


def forbidden(request, exception=None):
    """A 403 from a guard (PermissionDenied): its own sentence ("Editors only.") in the
    reader's language, as a page — or as JSON under /api/ and to a script that asked for it."""
    from core.errors import Refused

    said = exception.args[0] if isinstance(exception, Refused) and exception.args else None
    reason = said if isinstance(said, str) and said else _("This page is not open to you.")
    if request.path.startswith(API_PREFIX) or wants_json(request):
        return JsonResponse({"error": "forbidden", "message": reason}, status=403)
    return render(request, "403.html", {"reason": reason}, status=403)


def bad_request(request, exception=None):
    """A 400 from Django (a SuspiciousOperation). A body found too large only while read
    (RequestDataTooBig: its fields past DATA_UPLOAD_MAX_MEMORY_SIZE, on an address whose
    bound leaves room for an image) is the 413 the body-size middleware gives, in the
    reader's language; anything else gets a sentence in that language too."""
    from django.core.exceptions import RequestDataTooBig

    from core import refusals

    if isinstance(exception, RequestDataTooBig):  # its fields (files aside) past Django's bound
        from django.conf import settings

        upload = refusals.body_limit(request.path) != settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return refusals.refuse(request, lambda: refusals.too_large(
            None, settings.DATA_UPLOAD_MAX_MEMORY_SIZE, fields=upload))
    # Anything else (a Host not served, too many fields — often refused before the language
    # middleware ran): a refusal in the reader's language, as the body-size refusals are,
    # made without the site's layout, which would read the very Host refused.
    return refusals.refuse(request, lambda: (400, "bad_request", _(
        "This request could not be read. Go back and try again.")))


def server_error(request):
    """A database that cannot be reached is a 503 that says so (Veche reconnects by itself
    on the next request); anything else is a plain 500. Neither page touches the database."""
    exc = sys.exc_info()[1]
    api = request.path.startswith(API_PREFIX)
    if isinstance(exc, OperationalError | InterfaceError) or (
        isinstance(exc, DatabaseError) and "connect" in str(exc).lower()
    ):
        if api:
            response = JsonResponse({"error": "unavailable", "message": _(
                "The site cannot reach its database right now; try again in a few seconds.")}, status=503)
        else:
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        return response
    if api:
        return JsonResponse({"error": "server_error", "message": _(
            "Something went wrong on our side; the error was logged.")}, status=500)
    return HttpResponse(render_to_string("500.html"), status=500)


def csrf_failure(request, reason=""):
    """A form posted without a valid CSRF token. A reader who is not signed in (their cached
    page carries no token) is sent to sign in, back to where they were. A member — whose page's
    token went stale: the page stayed open across a sign-in or sign-out in another tab, or the
    token's cookie was cleared — is told so in their language and given back the text they
    wrote (a comment's, an edit's), with a link back to the page: 403, as a page or as JSON
    (the page's script shows the message and keeps the text in its form)."""
    from django.contrib.auth.views import redirect_to_login
    from django.http import JsonResponse
    from django.shortcuts import render
    from django.utils.http import url_has_allowed_host_and_scheme

    back = request.headers.get("Referer", "/")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    as_json = wants_json(request)
    user = getattr(request, "user", None)
    # Refused for where it came from (Origin or Referer), not for its token: a form of another
    # site — or, from this one, a browser that withheld both (a privacy extension), or a site
    # whose address is set up wrongly (VECHE_CSRF_TRUSTED_ORIGINS, the proxy's https). Reloading
    # would not help, so the sentence says what would; and what such a form sent is not shown
    # back on this site's page (another site would choose it).
    by_address = reason.startswith(("Origin checking failed", "Referer checking failed"))
    if request.method == "POST" and (user is None or not user.is_authenticated) and not by_address:
        if as_json:
            return JsonResponse({"error": "signin", "message": _("Sign in first.")}, status=401)
        return redirect_to_login(back)
    if by_address:
        code, title = "origin", _("Form refused")
        message = _("This form was refused: it did not come from a page of this site, as far as your "
                    "browser said (a privacy setting or an extension may hide that). Go back to the "
                    "page and send it again; if it is refused again, please tell the site's editors.")
    else:
        code, title = "csrf", _("Form expired")
        message = _("This form has expired: the page was open while you signed in or out, perhaps in "
                    "another tab. Reload the page and send it again.")
    if as_json:
        return JsonResponse({"error": code, "message": message}, status=403)
    text = request.POST.get("body", "") if request.method == "POST" and not by_address else ""
    return render(request, "403_csrf.html", {"title": title, "message": message, "text": text, "back": back}, status=403)
