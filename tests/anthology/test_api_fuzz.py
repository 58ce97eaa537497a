"""Issue 26: Schemathesis reads the API's OpenAPI document and calls every documented route
with values it makes up (odd slugs, other headers); each answer must be as documented —
status, content type, body schema, headers — and never a server error."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from anthology.services import publication
from contest.platform.db import db
from tests.plugins.factories import NOW


def test_every_documented_route_answers_as_documented(app, world, finalised):
    publication.publish_results(db.session, finalised["contest"], world["users"]["province"], NOW)
    db.session.commit()
    app.config["RATELIMIT_ENABLED"] = False  # the fuzzer asks far more than a portal would
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 5
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        def answers_as_documented(case) -> None:
            case.call_and_validate()

        answers_as_documented()
        # Made-up slugs meet the documented 404; the published contest's own answer is
        # checked against its schema too.
        slug = {"slug": finalised["contest"].slug} if "{slug}" in operation.path else {}
        operation.Case(path_parameters=slug).call_and_validate()
