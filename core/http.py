"""Small helpers shared by views: telling JSON callers from form posts, answering errors."""

from django.http import JsonResponse

from core.errors import ActionError


def wants_json(request) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept or request.headers.get("X-Requested-With") == "fetch"


def json_error(error: ActionError) -> JsonResponse:
    response = JsonResponse(error.as_json(), status=error.status)
    if error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    return response


def json_message(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=status)
