"""The import benchmark's measurement, on a small register."""

import pytest

from devtools.benchmark import imports as bench

pytestmark = pytest.mark.django_db


def test_the_import_measurement_imports_vendors_then_finds_them_unchanged_then_their_clauses():
    result = bench.measure(vendors=12)

    assert result["status"] == result["again_status"] == "applied"
    assert result["summary"] == {"new": 12, "changed": 0, "unchanged": 0, "errors": 0}
    assert result["again_summary"] == {"new": 0, "changed": 0, "unchanged": 12, "errors": 0}
    assert result["clauses"] == {"new": 24, "changed": 0, "unchanged": 0, "errors": 0}
    assert (result["vendors_stored"], result["clauses_stored"]) == (12, 24)
    assert result["total_seconds"] > 0
