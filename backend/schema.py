"""Answers every API operation may give that no view states: the database being down (503 with
Retry-After, from api.http_errors), added to the generated schema so the docs stay true."""

from api.http_errors import RETRY_AFTER_SECONDS

RETRY_AFTER = {
    "description": f"Seconds to wait before trying again ({RETRY_AFTER_SECONDS} while the database is down).",
    "schema": {"type": "integer", "minimum": 1},
}
DOWN = "The database is not answering: nothing was read or stored; try again after `Retry-After` seconds."


def document_outages(result, generator, request, public):
    for path, operations in result["paths"].items():
        if not path.startswith("/api/"):
            continue
        for operation in operations.values():
            answer = operation["responses"].setdefault("503", {
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                "description": "",
            })
            if "database" not in answer["description"]:  # a view may have named another cause already
                answer["description"] = " ".join(filter(None, [answer["description"], DOWN]))
            answer.setdefault("headers", {})["Retry-After"] = RETRY_AFTER
    return result
