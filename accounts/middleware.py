from accounts import presence


class PresenceMiddleware:
    """Marks the signed-in member as seen on every request (at most one cache write per 30 s)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            presence.touch(user)
        return self.get_response(request)
