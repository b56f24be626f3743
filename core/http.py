"""Small helpers shared by views: telling JSON callers from form posts, answering errors,
the address a client is counted under."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext

from core.errors import ActionError


def wants_json(request) -> bool:
    from core import refusals

    return refusals.wants_json(request.headers.get("Accept", ""), request.headers.get("X-Requested-With", ""))


def json_error(error: ActionError) -> JsonResponse:
    response = JsonResponse(error.as_json(), status=error.status)
    if error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    return response


def json_message(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=status)


def sign_in_first(request, message: str | None = None, next_url: str | None = None):
    """None for a signed-in member; for a visitor, the answer that sends them to sign in
    and back (a 401 with the reason for the page's script)."""
    if request.user.is_authenticated:
        return None
    if wants_json(request):
        return json_error(ActionError(message or gettext("Sign in first."), status=401, code="signin"))
    return redirect(f"{reverse('accounts:signin')}?{urlencode({'next': next_url or request.path})}")


def safe_next(request, default: str) -> str:
    """The `next` address a form or link carries, when it is a path on this site; otherwise
    `default`. Absolute addresses are refused even for this host (the site's own links are
    paths), so no form becomes an open redirect: not https://elsewhere/, //elsewhere,
    /\\elsewhere (browsers read it as //elsewhere) nor javascript:."""
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if (nxt.startswith("/") and not any(ord(ch) <= 32 or ch == "\x7f" for ch in nxt)
            and url_has_allowed_host_and_scheme(nxt, allowed_hosts=None)):
        return nxt  # spaces and control characters refused too: browsers drop some of them
    return default


def client_address(remote_addr: str | None, forwarded_for: str, hops: int) -> str:
    """The address limits count a client under. X-Forwarded-For is believed only with
    VECHE_TRUSTED_PROXY_HOPS (`hops`) > 0, and then only the entry that many hops from the
    right, the one our own proxies wrote: a client can put anything to the left of it. With
    hops 0 no forwarded header counts at all (nor does `veche serve` let uvicorn rewrite the
    peer's address from one)."""
    if hops > 0:
        chain = [p.strip() for p in forwarded_for.split(",") if p.strip()]
        if len(chain) >= hops:
            return chain[-hops]
    return remote_addr or "unknown"
