"""The OpenAPI document describes every operation and parameter."""

from app.main import create_app


def test_every_operation_has_a_summary_and_every_parameter_a_description():
    spec = create_app().openapi()
    missing = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if not op.get("summary"):
                missing.append(f"{method} {path}: summary")
            for p in op.get("parameters", []):
                if not p.get("description"):
                    missing.append(f"{method} {path}: {p['name']}")
    assert missing == []


def test_operation_ids_are_stable_names():
    spec = create_app().openapi()
    ids = [op["operationId"] for ops in spec["paths"].values() for op in ops.values()]
    assert "list_estimates" in ids and len(ids) == len(set(ids))
