"""The one guard in front of every insight page: editors and staff (accounts.roles.sees_insight)."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

from accounts.roles import sees_insight
from core.errors import Refused


def editor_required(view):
    """Visitors are sent to sign in; members, authors and moderators who are not editors get 403."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not sees_insight(request.user):
            raise Refused(_("Editors only."))
        return view(request, *args, **kwargs)

    guarded.editor_only = True
    return guarded
