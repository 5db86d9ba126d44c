"""The public API fuzzed over its own OpenAPI document (schemathesis, in process).

Every operation under /api gets a bounded number of generated requests (valid and
invalid query strings and path values, derandomized so a run is repeatable): none may
answer 5xx, and every status answered must be one the schema documents for that operation.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import status_code_conformance
from sqlalchemy import Engine

from hyoka.model import SheetKind
from hyoka.settings import Settings
from hyoka.web.app import create_app
from sheets import other_sheet, sample_sheet
from web_support import store

EXAMPLES = 20


@pytest.fixture
def api_schema(sqlite_url: str, tmp_path: Path) -> Iterator[Any]:
    from hyoka.store import create_engine_for, migrate

    engine: Engine = create_engine_for(sqlite_url)
    migrate(engine)
    national = sample_sheet(
        kind=SheetKind.NATIONAL,
        program_number="0001",
        program_name="国の補助事業",
        department="総務省",
        section="自治行政局",
        indicators=[],
        plan_links=[],
        costs=[],
        sub_projects=[],
    )
    store(engine, [sample_sheet(), other_sheet(), national])
    engine.dispose()
    app = create_app(Settings(database_url=sqlite_url))
    try:
        yield schemathesis.openapi.from_asgi("/api/openapi.json", app)
    finally:
        app.state.engine.dispose()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_answers_only_documented_statuses_and_no_server_error(
    api_schema: Any, mode: GenerationMode
) -> None:
    failures: list[str] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            response = case.call()
            case.validate_response(response, checks=[not_a_server_error, status_code_conformance])

        try:
            run()
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE  # nothing in the operation can be invalid
        except FailureGroup as error:  # every failing operation is reported, not only the first
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert not failures, "\n\n".join(failures)
