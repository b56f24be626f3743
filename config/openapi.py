"""The read API's OpenAPI 3.1 description, served at /api/v1/openapi.json."""

from django.http import JsonResponse

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
_error = {"description": "Not found", "content": {"application/json": {}}}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": "Veche read API", "version": "1"},
    "paths": {
        "/api/v1/articles/": {"get": {
            "summary": "Published articles, newest first, 50 a page",
            "parameters": [
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "section", "in": "query", "schema": {"type": "string"}},
            ],
            "responses": {"200": {"description": "A page of articles", "content": {"application/json": {
                "schema": {"type": "object", "properties": {
                    "count": {"type": "integer"}, "page": {"type": "integer"},
                    "pages": {"type": "integer"},
                    "results": {"type": "array", "items": {"$ref": "#/components/schemas/Article"}}}}}}}},
        }},
        "/api/v1/articles/{slug}/": {"get": {
            "summary": "One article with its body",
            "parameters": [_slug],
            "responses": {"200": {"description": "The article", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Article"}}}}, "404": _error},
        }},
        "/api/v1/articles/{slug}/comments/": {"get": {
            "summary": "The whole comment tree of an article",
            "parameters": [_slug, {"name": "order", "in": "query",
                                   "schema": {"enum": ["oldest", "newest", "best"]}}],
            "responses": {"200": {"description": "The tree", "content": {"application/json": {
                "schema": {"type": "object", "properties": {
                    "article": {"type": "string"}, "count": {"type": "integer"},
                    "comments": {"type": "array", "items": {"$ref": "#/components/schemas/Comment"}}}}}}},
                "404": _error},
        }},
    },
    "components": {"schemas": {"Comment": _comment, "Article": _article}},
}


def document(request):
    return JsonResponse(DOCUMENT)
