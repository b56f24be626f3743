"""The read API's OpenAPI 3.1 description, served at /api/v1/openapi.json.

Its summaries and descriptions are for people, so they are in the request's language (lazy
translations, made words when the document is written out); names, codes and types are the
API's own and stay as they are."""

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _

from discussion.threads import ORDERS

_author = {
    "type": ["object", "null"],
    "properties": {
        "login": {"type": "string"},
        "real_name": {"type": ["string", "null"]},
        "presence": {"enum": ["online", "offline", None]},
        "deleted": {"type": "boolean"},
    },
    "required": ["login", "real_name", "presence", "deleted"],
}
_comment = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "number": {"type": "string", "examples": ["2.1.1"]},
        "parent": {"type": ["integer", "null"]},
        "status": {"enum": ["visible", "held", "deleted", "removed"]},
        "author": _author,
        "created": {"type": "string", "format": "date-time"},
        "edited": {"type": ["string", "null"], "format": "date-time"},
        "body_html": {"type": "string"},
        "plus": {"type": "integer", "minimum": 0},
        "minus": {"type": "integer", "minimum": 0},
        "children": {"type": "array", "items": {"$ref": "#/components/schemas/Comment"}},
    },
    "required": ["id", "number", "parent", "author", "created", "edited", "body_html", "plus",
                 "minus", "children"],
}
_article = {
    "type": "object",
    "properties": {
        "slug": {"type": "string"}, "title": {"type": "string"}, "lead": {"type": "string"},
        "url": {"type": "string"},
        "section": {"type": "object", "properties": {"slug": {"type": "string"}, "name": {"type": "string"}}},
        "author": {"type": ["object", "null"]},
        "published": {"type": "string", "format": "date-time"},
        "views": {"type": "integer"}, "comment_count": {"type": "integer"},
        "comments_open": {"type": "boolean"}, "comments_url": {"type": "string"},
        "body_html": {"type": "string"}, "tags": {"type": "array"},
    },
    "required": ["slug", "title", "url", "section", "published", "views", "comment_count"],
}
_slug = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
_error_body = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_error = {"description": _("Not found: no published article at this address (every unknown address "
                           "under /api/ answers so)"), **_error_body}
_bad = {"description": _("A parameter out of its range, with the reason in `message`"), **_error_body}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": _("Veche read API"), "version": "1"},
    "paths": {
        "/api/v1/articles/": {"get": {
            "summary": _("Published articles, newest first, 50 a page"),
            "parameters": [
                {"name": "page", "in": "query", "description": _("From 1 to `pages`; 400 below 1 or not a "
                 "whole number, 404 past the last page"), "schema": {"type": "integer", "minimum": 1, "default": 1}},
                {"name": "section", "in": "query", "description": _("A section's address: its articles only"),
                 "schema": {"type": "string"}},
            ],
            "responses": {"200": {"description": _("A page of articles"), "content": {"application/json": {
                "schema": {"type": "object", "properties": {
                    "count": {"type": "integer"}, "page": {"type": "integer"},
                    "pages": {"type": "integer"},
                    "results": {"type": "array", "items": {"$ref": "#/components/schemas/Article"}}}}}}},
                "400": _bad, "404": {"description": _("No such page of articles"), **_error_body}},
        }},
        "/api/v1/articles/{slug}/": {"get": {
            "summary": _("One article with its body"),
            "parameters": [_slug],
            "responses": {"200": {"description": _("The article"), "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Article"}}}}, "404": _error},
        }},
        "/api/v1/articles/{slug}/comments/": {"get": {
            "summary": _("The whole comment tree of an article"),
            "parameters": [_slug, {"name": "order", "in": "query", "description": _("Any other value is "
                                   "answered 400"), "schema": {"enum": list(ORDERS), "default": "oldest"}}],
            "responses": {"200": {"description": _("The tree"), "content": {"application/json": {
                "schema": {"type": "object", "properties": {
                    "article": {"type": "string"}, "count": {"type": "integer"},
                    "comments": {"type": "array", "items": {"$ref": "#/components/schemas/Comment"}}}}}}},
                "400": _bad, "404": _error},
        }},
    },
    "components": {"schemas": {"Comment": _comment, "Article": _article, "Error": {
        "type": "object", "properties": {"error": {"type": "string", "description": _("a code for programs")},
                                         "message": {"type": "string", "description": _("the reason, for a person")}},
        "required": ["error", "message"]}}},
}


def document(request):
    """The document in the request's language (JsonResponse's encoder makes each lazy string
    a string in the language active now; the language middleware varies the answer by it)."""
    return JsonResponse(DOCUMENT, json_dumps_params={"ensure_ascii": False})
