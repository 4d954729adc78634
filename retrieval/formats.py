"""Parse article files (JSON Lines, JSON, CSV) into raw rows: pure, no I/O.

Each parser takes text already read and yields, per article, either a
``RawRow`` (fields by name and where it stood) or an ``IngestError`` saying
why that line could not be read. Field validation is ``retrieval.records``'
job; this module only knows the file formats.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from retrieval.errors import IngestError

FIELDS = ("url", "title", "body", "published", "views")
REQUIRED_FIELDS = ("url", "title", "body")


@dataclass(frozen=True, slots=True)
class RawRow:
    """One article's fields as found, and where (for error messages)."""

    where: str
    fields: Mapping[str, object]


def rows_from_jsonl(lines: Iterable[str], name: str) -> Iterator[RawRow | IngestError]:
    """One JSON object per line; blank lines are skipped."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{name} line {number}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            yield IngestError(f"not valid JSON ({error.msg} at column {error.colno})", where=where)
            continue
        if not isinstance(value, dict):
            yield IngestError(f"expected a JSON object, got {type(value).__name__}", where=where)
            continue
        yield RawRow(where, value)


def rows_from_json(text: str, name: str) -> Iterator[RawRow | IngestError]:
    """A JSON array of objects, or an object with an "articles" array."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        yield IngestError(f"not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})", where=name)
        return
    if isinstance(value, dict) and isinstance(value.get("articles"), list):
        value = value["articles"]
    elif isinstance(value, dict) and "url" in value:
        value = [value]
    if not isinstance(value, list):
        yield IngestError('expected an array of articles or {"articles": [...]}', where=name)
        return
    for number, item in enumerate(value, start=1):
        where = f"{name} item {number}"
        if isinstance(item, dict):
            yield RawRow(where, item)
        else:
            yield IngestError(f"expected a JSON object, got {type(item).__name__}", where=where)


def rows_from_csv(lines: Iterable[str], name: str) -> Iterator[RawRow | IngestError]:
    """CSV with a header row naming at least url, title and body."""
    reader = csv.DictReader(iter(lines))
    try:
        header = [column.strip().lower() for column in (reader.fieldnames or [])]
    except csv.Error as error:
        yield IngestError(f"not valid CSV ({error})", where=f"{name} line 1")
        return
    missing = [field for field in REQUIRED_FIELDS if field not in header]
    if missing:
        yield IngestError(
            f"the header row lacks {', '.join(missing)} (found: {', '.join(header) or 'nothing'})",
            where=f"{name} line 1",
        )
        return
    reader.fieldnames = header
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield IngestError(f"not valid CSV ({error})", where=f"{name} line {reader.line_num}")
            return
        where = f"{name} line {reader.line_num}"
        if None in row:
            yield IngestError(f"{len(row[None])} more values than header columns", where=where)
            continue
        yield RawRow(where, {key: value for key, value in row.items() if key in FIELDS})
