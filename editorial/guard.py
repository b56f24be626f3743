"""The editors' guard: every page of the workspace sits behind it (a test walks them all)."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.utils.translation import gettext as _

from core.errors import Refused
from core.http import wants_json
from editorial.actions import is_editor


def editor_required(view):
    """Visitors are sent to sign in (asked for JSON: 403 with a reason); members who are not
    editors — moderators included — get 403."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not is_editor(request.user):
            if wants_json(request):
                return JsonResponse({"error": "forbidden", "message": _("Only editors may do this.")},
                                    status=403)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise Refused(_("Editors only."))
        return view(request, *args, **kwargs)

    guarded.editor_only = True
    return guarded
