"""The generated OpenAPI schema, committed as openapi.yaml so clients and reviewers see API changes."""

from pathlib import Path

SCHEMA_PATH = Path(__file__).resolve().parent / "openapi.yaml"
