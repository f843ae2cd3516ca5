"""Building the Saleor schemas once per process, and checking documents against all of them.

The pinned 3.23.28 SDL (`graphql/schema.graphql`) is about 1 MB and takes seconds to build, so each schema
file is built once per process and shared by the double, its validator and the document tests.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from graphql import DocumentNode, GraphQLError, GraphQLSchema, build_schema, parse, validate

from saleor_asc_app.resources import contracts_dir, pinned_schema_path

_lock = threading.Lock()


@functools.cache
def _load(path: Path) -> GraphQLSchema:
    return build_schema(path.read_text(encoding="utf-8"))


def load_schema(path: Path | str) -> GraphQLSchema:
    """The schema built from an SDL file, cached per resolved path for the life of the process."""
    with _lock:
        return _load(Path(path).resolve())


def pinned_schema() -> GraphQLSchema:
    return load_schema(pinned_schema_path())


def default_extra_schema_paths() -> list[Path]:
    """The unreleased 3.24 schema (`contracts/saleor/`), which every document must also satisfy."""
    return [contracts_dir("saleor") / "schema-3.24-main.graphql"]


@dataclass(frozen=True)
class Violation:
    """A document some schema rejects; the double answers it with an error and keeps it for assertions."""

    schema: str
    operation_name: str | None
    messages: tuple[str, ...]
    query: str


class DocumentChecker:
    """Parses and validates a document against every configured schema, caching results per query text."""

    def __init__(self, extra_schema_paths: Sequence[Path] = ()) -> None:
        self.schemas: list[tuple[str, GraphQLSchema]] = [("3.23.28 (pinned)", pinned_schema())]
        for path in extra_schema_paths:
            self.schemas.append((Path(path).name, load_schema(path)))
        self._cache: dict[str, tuple[DocumentNode | None, tuple[tuple[str, tuple[str, ...]], ...]]] = {}

    def check(self, query: str) -> tuple[DocumentNode | None, list[tuple[str, list[GraphQLError]]]]:
        """(document or None on a syntax error, [(schema label, errors)] for every schema that rejects it)."""
        cached = self._cache.get(query)
        if cached is None:
            try:
                document: DocumentNode | None = parse(query)
            except GraphQLError as exc:
                failures: tuple[tuple[str, tuple[str, ...]], ...] = (("syntax", (exc.message,)),)
                self._cache[query] = (None, failures)
                return None, [("syntax", [exc])]
            assert document is not None
            rejected = []
            for label, schema in self.schemas:
                errors = validate(schema, document)
                if errors:
                    rejected.append((label, tuple(e.message for e in errors)))
            cached = (document, tuple(rejected))
            if len(self._cache) > 2048:
                self._cache.clear()
            self._cache[query] = cached
        document, rejected_messages = cached
        return document, [(label, [GraphQLError(m) for m in messages]) for label, messages in rejected_messages]
