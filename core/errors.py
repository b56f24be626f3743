from django.core.exceptions import PermissionDenied


class Refused(PermissionDenied):
    """A guard's 403 whose sentence is written for the reader, in their language ("Editors
    only."): the 403 page shows it. Any other PermissionDenied — Django's, a library's — may
    carry words meant for a log, and is shown as a plain "not open to you" (core.views.forbidden)."""


class ActionError(Exception):
    """A refused action, with a message for a person and the HTTP status that fits.

    Views turn it into a form error or a JSON 4xx; commands print it."""

    def __init__(self, message: str, status: int = 400, code: str = "invalid", field: str | None = None,
                 retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.field = field
        self.retry_after = retry_after

    def as_json(self) -> dict:
        data = {"error": self.code, "message": self.message}
        if self.field:
            data["field"] = self.field
        if self.retry_after is not None:
            data["retry_after"] = self.retry_after
        return data
