"""The OpenAPI 3.1 document of the read-only API (`views/api.py`): what the portal's
developers read, and what the tests hold every answer to."""

from __future__ import annotations

from contest.categories import SUBJECT_KINDS

NULLABLE_STRING = {"type": ["string", "null"]}
URL = {"type": "string", "format": "uri"}
TIMESTAMP = {"type": "string", "format": "date-time"}
KIND = {"type": "string", "enum": list(SUBJECT_KINDS)}


def _object(properties: dict, required: list[str] | None = None) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": required if required is not None else list(properties),
        "additionalProperties": False,
    }


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(name: str) -> dict:
    return {"type": "array", "items": _ref(name)}


SCHEMAS = {
    "Links": _object(
        {"news": URL, "feed": URL, "results": {"type": ["string", "null"], "format": "uri"}}
    ),
    "ContestSummary": _object(
        {
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "stage": {"type": "string", "description": "Where the contest stands, in words."},
            "opens_at": TIMESTAMP,
            "closes_at": TIMESTAMP,
            "results_public": {"type": "boolean"},
            "links": _ref("Links"),
        }
    ),
    "News": _object(
        {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "body": {"type": "string"},
            "posted_at": TIMESTAMP,
        }
    ),
    "Named": _object({"code": {"type": "string"}, "name": {"type": "string"}}),
    "Subject": _object(
        {
            "name": {"type": "string"},
            "kind": KIND,
            "kind_label": {"type": "string"},
        }
    ),
    "Winner": _object(
        {
            "prize": {"type": "string"},
            "prize_order": {
                "type": "integer",
                "description": "The rung of the ladder, 1 the highest.",
            },
            "shared": {"type": "boolean", "description": "Shared with an equal mark."},
            "title": {"type": "string", "description": "As printed in the book."},
            "author": {"type": "string"},
            "unit": _ref("Named"),
            "subject": _ref("Subject"),
            "category": _ref("Named"),
            "in_book": {"type": "boolean"},
            "essay_url": URL,
        }
    ),
    "Profile": _object(
        {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "kind": KIND,
            "category": _ref("Named"),
            "unit": {"type": "string"},
            "position": {"type": "string"},
            "achievements": {"type": "string"},
            "commendations": {"type": "string"},
            "url": URL,
            "photo_url": {"type": ["string", "null"], "format": "uri"},
        }
    ),
    "BookFile": _object(
        {
            "format": {"type": "string", "enum": ["pdf", "epub"]},
            "bytes": {"type": "integer", "minimum": 1},
            "built_at": {"type": ["string", "null"], "format": "date-time"},
            "url": URL,
        }
    ),
    "Error": _object({"error": {"type": "string"}, "message": {"type": "string"}}),
}

SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "The contest's short name.",
}


def _answer(description: str, schema: dict) -> dict:
    return {
        "description": description,
        "headers": {
            "ETag": {"schema": {"type": "string"}},
            "Cache-Control": {"schema": {"type": "string"}},
        },
        "content": {"application/json": {"schema": schema}},
    }


NOT_FOUND = {
    "description": "No such published contest, or its results are not published yet.",
    "content": {"application/json": {"schema": _ref("Error")}},
}
TOO_MANY = {"description": "Too many requests from this address: wait a minute."}


def _get(summary: str, schema: dict, *, slug: bool = True) -> dict:
    operation = {
        "summary": summary,
        "responses": {"200": _answer(summary, schema), "429": TOO_MANY},
    }
    if slug:
        operation["parameters"] = [SLUG]
        operation["responses"]["404"] = NOT_FOUND
    return {"get": operation}


def document(server: str) -> dict:
    """The document, its server being `server` (the API's address on this site)."""
    base = server.rsplit("/contests", 1)[0]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Gương Sáng",
            "version": "1.0.0",
            "description": "Read-only data of the writing contests: published contests and "
            "their news; once the board publishes the results, the winners, the book's "
            "exemplar profiles and its files. Answers may be cached for a minute.",
        },
        "servers": [{"url": base}],
        "paths": {
            "/contests": _get(
                "Published contests, newest first",
                _object({"contests": _array("ContestSummary")}),
                slug=False,
            ),
            "/contests/{slug}": _get(
                "One contest and its news, newest first",
                _object({"contest": _ref("ContestSummary"), "news": _array("News")}),
            ),
            "/contests/{slug}/winners": _get(
                "The prize winners, by prize",
                _object({"contest": {"type": "string"}, "winners": _array("Winner")}),
            ),
            "/contests/{slug}/profiles": _get(
                "The exemplar profiles the book carries, in its order",
                _object({"contest": {"type": "string"}, "profiles": _array("Profile")}),
            ),
            "/contests/{slug}/book": _get(
                "The book's files (PDF print master, EPUB)",
                _object({"contest": {"type": "string"}, "files": _array("BookFile")}),
            ),
        },
        "components": {"schemas": SCHEMAS},
    }
