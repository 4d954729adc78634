"""Parse article files (JSON Lines, JSON, CSV) into raw rows: pure, no I/O.

Each parser takes text already read and yields, per article, either a
``RawRow`` (fields by name and where it stood) or an ``IngestError`` saying
why that line could not be read. Field validation is ``retrieval.ingest.records``'
job, decoding bytes ``retrieval.ingest.decoding``'s; this module only knows
the file formats. JSON Lines and CSV follow the same rules: the same fields,
only url and body required, a line that cannot be read is one failed row.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import ijson

from retrieval.errors import IngestError
from retrieval.ingest.decoding import MAX_LINE_BYTES, ChunkReader, UnreadableLine
from retrieval.messages import Plural

FIELDS = ("url", "title", "body", "published", "views", "author", "summary")
REQUIRED_FIELDS = ("url", "body")
# A spreadsheet's export separates columns with one of these (";" where "," is the decimal comma).
CSV_DELIMITERS = (",", ";", "\t")
# The csv module refuses a field over 128 KB; a body may be as long as a JSON Lines line.
csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE_BYTES))

Line = str | UnreadableLine


@dataclass(frozen=True, slots=True)
class RawRow:
    """One article's fields as found, and where (for error messages)."""

    where: str
    fields: Mapping[str, object]
    # The line it starts on, in a JSON Lines or CSV file.
    line: int | None = None


def rows_from_jsonl(lines: Iterable[Line], name: str) -> Iterator[RawRow | IngestError]:
    """One JSON object per line; blank lines are skipped."""
    for number, line in enumerate(lines, start=1):
        if isinstance(line, UnreadableLine):
            yield line.error
            continue
        if not line.strip():
            continue
        where = f"{name} line {number}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            yield IngestError(
                "not valid JSON: {error} at column {column}",
                where=where,
                line=number,
                error=error.msg.removesuffix(" at"),  # "Invalid control character at", "Unterminated string starting at"
                column=str(error.colno),
            )
            continue
        if not isinstance(value, dict):
            yield IngestError("expected a JSON object, got {kind}", where=where, line=number, kind=type(value).__name__)
            continue
        yield RawRow(where, value, number)


def _json_reader(source: str | bytes | Iterable[bytes]) -> io.BufferedReader:
    if isinstance(source, str):
        source = source.encode()
    if isinstance(source, bytes):
        source = [source]
    return io.BufferedReader(ChunkReader(_without_bom(source)))


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
        reason = _parser_reason(error)
        if count:
            yield IngestError("not valid JSON after item {count}, where reading stopped: {error}", where=name, count=count, error=reason)
        else:
            yield IngestError("not valid JSON: {error}", where=name, error=reason)
        return
    if not count:
        yield IngestError('expected an array of articles, {"articles": [...]} or one article object', where=name)


def _parser_reason(error: ijson.JSONError) -> str:
    """The JSON parser's complaint in a few words: "lexical error: invalid char in json text.\\n [{oops\\n (right
    here) ------^" (sometimes as bytes) → "invalid char in json text"."""
    message = error.args[0] if error.args else str(error)
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    first = (text.strip().splitlines() or [""])[0].strip().rstrip(".")
    return first.partition(": ")[2] or first


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


def rows_from_csv(lines: Iterable[Line], name: str) -> Iterator[RawRow | IngestError]:
    """CSV with a header row naming at least url and body, its columns separated by ",", ";" or a tab.

    The delimiter is the one that finds url and body in the header; a row
    spanning a line that cannot be read is one failed row, and the rows
    after it are read.
    """
    lines = iter(lines)
    first = next(lines, None)
    if first is None:
        return
    if isinstance(first, UnreadableLine):
        yield first.error
        return
    delimiter, header = _csv_header(first)
    missing = [field for field in REQUIRED_FIELDS if field not in header]
    if missing:
        yield _header_error(first, header, missing, f"{name} line 1")
        return
    unreadable: list[IngestError] = []

    def texts() -> Iterator[str]:
        for line in lines:
            if isinstance(line, UnreadableLine):
                unreadable.append(line.error)
                yield line.text
            else:
                yield line

    reader = csv.reader(texts(), delimiter=delimiter)
    row_end = 1  # the last line of the row before: at first the header's
    while True:
        number = row_end + 1
        where = f"{name} line {number}"
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            row_end = 1 + reader.line_num
            yield IngestError("not valid CSV ({error})", where=where, line=number, error=str(error))
            continue
        row_end = 1 + reader.line_num  # the reader counts the lines it read, the header not among them
        if unreadable:
            yield unreadable[0]
            unreadable.clear()
        elif len(values) > len(header):
            extra = Plural("{count} more value than header columns", "{count} more values than header columns")
            yield IngestError(extra, where=where, line=number, count=len(values) - len(header))
        elif any(value.strip() for value in values):
            yield RawRow(where, {key: value for key, value in zip(header, values) if key in FIELDS}, number)


def _csv_header(line: str) -> tuple[str, list[str]]:
    """The delimiter and the lower-cased column names of a header row: the first delimiter that finds
    every required field, else the one that splits it into the most columns."""
    found = []
    for delimiter in CSV_DELIMITERS:
        header = [name.strip().lower() for name in next(csv.reader([line], delimiter=delimiter), [])]
        if all(field in header for field in REQUIRED_FIELDS):
            return delimiter, header
        found.append((len(header), delimiter, header))
    _, delimiter, header = max(found, key=lambda item: item[0])
    return delimiter, header


def _header_error(line: str, header: list[str], missing: list[str], where: str) -> IngestError:
    """Why a header row is refused, naming the delimiter it seems to use when that is not one read."""
    found = ", ".join(header) or "nothing"
    marks = Counter(char for char in line.strip() if not (char.isalnum() or char in " _-.'\"") and char not in CSV_DELIMITERS)
    seeming = marks.most_common(1)[0][0] if marks else None
    if seeming is not None and marks[seeming] >= len(REQUIRED_FIELDS) - 1 and len(header) == 1:
        return IngestError(
            "the header row lacks {missing} (found: {found}); its columns seem to be separated by {delimiter}:"
            " use commas, semicolons or tabs",
            where=where,
            line=1,
            missing=", ".join(missing),
            found=found,
            delimiter=repr(seeming),
        )
    return IngestError("the header row lacks {missing} (found: {found})", where=where, line=1, missing=", ".join(missing), found=found)
