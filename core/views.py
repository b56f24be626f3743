import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """A database that cannot be reached is a 503 that says so (Veche reconnects by itself
    on the next request); anything else is a plain 500. Neither page touches the database."""
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError) or (
        isinstance(exc, DatabaseError) and "connect" in str(exc).lower()
    ):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)
