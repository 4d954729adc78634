"""Parse article files (JSON Lines, JSON, CSV) into raw rows: pure, no I/O.

Each parser takes text already read and yields, per article, either a
``RawRow`` (fields by name and where it stood) or an ``IngestError`` saying
why that line could not be read. Field validation is ``retrieval.ingest.records``'
job; this module only knows the file formats.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import ijson

from retrieval.errors import IngestError
from retrieval.messages import Plural

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
            yield IngestError("not valid JSON ({error} at column {column})", where=where, error=error.msg, column=str(error.colno))
            continue
        if not isinstance(value, dict):
            yield IngestError("expected a JSON object, got {kind}", where=where, kind=type(value).__name__)
            continue
        yield RawRow(where, value)


class _ChunkReader(io.RawIOBase):
    """A file-like view of an iterable of byte chunks (what ijson reads)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _json_reader(source: str | bytes | Iterable[bytes]) -> io.BufferedReader:
    if isinstance(source, str):
        source = source.encode()
    if isinstance(source, bytes):
        source = [source]
    return io.BufferedReader(_ChunkReader(_without_bom(source)))


def _without_bom(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The chunks with a leading UTF-8 byte order mark dropped (Windows editors write one)."""
    chunks = iter(chunks)
    first = b""
    for chunk in chunks:
        first += chunk
        if len(first) >= 3:
            break
    yield first.removeprefix(b"\xef\xbb\xbf")
    yield from chunks


def rows_from_json(source: str | bytes | Iterable[bytes], name: str) -> Iterator[RawRow | IngestError]:
    """A JSON array of objects, an object with an "articles" array, or one article object.

    Parsed as a stream (ijson): an item is built, yielded and dropped before
    the next is read, so a file of millions of items loads in the memory of
    one, and the items before a syntax error are kept.
    """
    events = ijson.parse(_json_reader(source), use_float=True)
    count = 0
    try:
        first = next(events, None)
        if first is not None and first[1] == "start_array":
            rows = ijson.items(itertools.chain([first], events), "item")
        elif first is not None and first[1] == "start_map":
            rows = _object_rows(events, name)
        else:
            rows = iter(())
        for item in rows:
            count += 1
            if isinstance(item, RawRow):
                yield item
            elif isinstance(item, dict):
                yield RawRow(f"{name} item {count}", item)
            else:
                yield IngestError("expected a JSON object, got {kind}", where=f"{name} item {count}", kind=type(item).__name__)
    except ijson.JSONError as error:
        reason = " ".join(str(error).split()).partition(" (right here)")[0]
        after = f" after item {count}" if count else ""
        yield IngestError("not valid JSON{after} ({error})", where=name, after=after, error=reason)
        return
    if not count:
        yield IngestError('expected an array of articles, {"articles": [...]} or one article object', where=name)


def _object_rows(events: Iterator[tuple[str, str, object]], name: str) -> Iterator[RawRow | dict | object]:
    """The rows of a top-level object (its start already read): its "articles" array, streamed,
    or the object itself when it is one article (has a "url")."""
    fields: dict[str, object] = {}
    key = ""
    for prefix, event, value in events:
        if prefix == "" and event == "map_key":
            key = str(value)
            if key == "articles":
                yield from ijson.items(events, "articles.item")
                return
        elif prefix == key and event in ("string", "number", "boolean", "null"):
            fields[key] = value
    if "url" in fields:
        yield RawRow(name, fields)


def rows_from_csv(lines: Iterable[str], name: str) -> Iterator[RawRow | IngestError]:
    """CSV with a header row naming at least url, title and body."""
    reader = csv.DictReader(iter(lines))
    try:
        header = [column.strip().lower() for column in (reader.fieldnames or [])]
    except csv.Error as error:
        yield IngestError("not valid CSV ({error})", where=f"{name} line 1", error=str(error))
        return
    missing = [field for field in REQUIRED_FIELDS if field not in header]
    if missing:
        yield IngestError(
            "the header row lacks {missing} (found: {found})",
            where=f"{name} line 1",
            missing=", ".join(missing),
            found=", ".join(header) or "nothing",
        )
        return
    reader.fieldnames = header
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield IngestError("not valid CSV ({error})", where=f"{name} line {reader.line_num}", error=str(error))
            return
        where = f"{name} line {reader.line_num}"
        if None in row:
            extra = Plural("{count} more value than header columns", "{count} more values than header columns")
            yield IngestError(extra, where=where, count=len(row[None]))
            continue
        yield RawRow(where, {key: value for key, value in row.items() if key in FIELDS})
