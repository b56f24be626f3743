"""The one guard in front of every moderator and editor view."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

from core.errors import Refused

PERMISSION = "moderation.moderate"


def moderator_required(view):
    """Visitors are sent to sign in; members without the moderator role get 403."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm(PERMISSION):
            raise Refused(_("Moderators only."))
        return view(request, *args, **kwargs)

    guarded.moderator_only = True
    return guarded
