from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext as _

app_name = "live"


def events(request, slug):
    """The stream has one handler, live.stream, which the ASGI front (config.front) serves
    before Django; this route gives the address its name and answers servers without the
    front (a WSGI server, the test client) that there is no stream here."""
    return JsonResponse({"error": "no_stream", "message": _(
        "Live updates are served by `veche serve`; reload the page to see what is new.")}, status=404)


urlpatterns = [
    path("articles/<str:slug>/events/", events, name="events"),
]
