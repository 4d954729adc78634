"""Turn what an admin names (files, folders, ZIPs, URLs) into article streams.

File reading is blocking I/O and runs in a worker thread (see ``ingest``);
everything here is synchronous and yields ``ArticleInput`` or
``IngestError`` per article so one bad row never stops a file.
"""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import IngestError
from retrieval.ingest.decoding import LineTally, text_lines, utf8_chunks
from retrieval.ingest.extract import extract_article
from retrieval.ingest.formats import RawRow, rows_from_csv, rows_from_json, rows_from_jsonl
from retrieval.ingest.records import article_from_fields
from retrieval.messages import N_
from retrieval.models import ArticleInput

ROW_SUFFIXES = {".jsonl", ".ndjson", ".json", ".csv"}
HTML_SUFFIXES = {".html", ".htm"}
SUPPORTED_SUFFIXES = ROW_SUFFIXES | HTML_SUFFIXES | {".zip"}
MAX_ZIP_MEMBER_BYTES = 200_000_000
MAX_ZIP_TOTAL_BYTES = 1_000_000_000
# "articles.jsonl.gz": a row file compressed with gzip, read as it is unpacked.
GZIP_SUFFIX = ".gz"
MAX_HTML_BYTES = 20_000_000

ArticleOrError = ArticleInput | IngestError


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file in a named folder that a load does not read (named in the summary, never passed over in silence)."""

    path: Path


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def expand_paths(inputs: Iterable[str]) -> Iterator[Path | str | IngestError | SkippedFile]:
    """Yield URLs as given, files as paths (folders recursed, their other files as ``SkippedFile``), or why not."""
    for value in inputs:
        if is_url(value):
            yield value
            continue
        path = Path(value).expanduser()
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file())
            found = [p for p in files if is_supported(p.name)]
            if not found:
                yield IngestError("no .jsonl, .json, .csv (each may be .gz), .html or .zip files in this folder", where=value)
            for file in files:
                yield file if is_supported(file.name) else SkippedFile(file)
        elif not path.exists():
            yield IngestError("no such file, folder or http(s) URL", where=value)
        elif not is_supported(path.name):
            yield unsupported(file_format(path.name)[0], value)
        else:
            yield path


def file_format(name: str) -> tuple[str, bool]:
    """A file's format suffix and whether it is gzipped: "a.jsonl.gz" → (".jsonl", True)."""
    path = Path(name)
    if path.suffix.lower() == GZIP_SUFFIX:
        return Path(path.stem).suffix.lower(), True
    return path.suffix.lower(), False


def is_supported(name: str) -> bool:
    """True for the file types a load reads (row files may be gzipped)."""
    suffix, gzipped = file_format(name)
    return suffix in (ROW_SUFFIXES if gzipped else SUPPORTED_SUFFIXES)


UNSUPPORTED = N_("unsupported file type {suffix}: use .jsonl, .json, .csv (each may be .gz), .html or .zip")


def unsupported(suffix: str, where: str) -> IngestError:
    return IngestError(UNSUPPORTED, where=where, suffix=repr(suffix or "(none)"))


def _validated(rows: Iterable[RawRow | IngestError], site_url: str, source: str) -> Iterator[ArticleOrError]:
    for row in rows:
        if isinstance(row, IngestError):
            yield row
            continue
        try:
            yield article_from_fields(row.fields, site_url=site_url, source=source, where=row.where)
        except IngestError as error:
            yield error.moved(row.where, row.line)
        except (ValueError, OverflowError, TypeError) as error:  # a value no rule foresaw: still one row
            yield IngestError(
                "cannot read this row ({error})", where=row.where, line=row.line, error=f"{type(error).__name__}: {error}"
            )


def articles_from_stream(
    binary: io.BufferedIOBase, name: str, site_url: str, tally: LineTally | None = None
) -> Iterator[ArticleOrError]:
    """Articles in one file's bytes, by the file name's suffix (read in bounded memory); ``tally`` counts its lines."""
    suffix = file_format(name)[0]
    source = Path(name).name
    tally = tally if tally is not None else LineTally()
    try:
        if suffix in HTML_SUFFIXES:
            page = binary.read(MAX_HTML_BYTES + 1)
            if len(page) > MAX_HTML_BYTES:
                yield IngestError("an HTML page larger than {size} MB", where=name, size=MAX_HTML_BYTES // 1_000_000)
                return
            try:
                yield extract_article(page, url=None, site_url=site_url, source=source)
            except IngestError as error:
                yield error.moved(name)  # named as every other file's failures are
            return
        if suffix in (".jsonl", ".ndjson"):
            yield from _validated(rows_from_jsonl(text_lines(binary, name, tally), name), site_url, source)
        elif suffix == ".json":
            yield from _validated(rows_from_json(utf8_chunks(binary, name), name), site_url, source)
        elif suffix == ".csv":
            yield from _validated(rows_from_csv(text_lines(binary, name, tally), name), site_url, source)
        else:
            yield unsupported(suffix, name)
    except IngestError as error:
        yield error


def articles_from_file(
    path: Path, site_url: str, name: str | None = None, tally: LineTally | None = None
) -> Iterator[ArticleOrError]:
    """Articles in a file on disk (a ZIP is opened and each member read); a file without any is a failure."""
    label = name or str(path)
    empty = True
    for item in _articles_in_file(path, site_url, label, tally):
        empty = False
        yield item
    if empty:
        yield IngestError("holds no articles", where=label)


def _articles_in_file(path: Path, site_url: str, label: str, tally: LineTally | None) -> Iterator[ArticleOrError]:
    try:
        if path.suffix.lower() == ".zip":
            yield from _articles_from_zip(path, site_url, label, tally)
            return
        with path.open("rb") as binary:
            yield from _articles_maybe_gzipped(binary, label, site_url, tally)
    except OSError as error:
        yield IngestError("cannot read the file ({error})", where=label, error=str(error.strerror or error))


def _articles_maybe_gzipped(
    binary: io.BufferedIOBase, label: str, site_url: str, tally: LineTally | None
) -> Iterator[ArticleOrError]:
    """A row file's articles, unpacked as they are read when its name ends in .gz."""
    if not file_format(label)[1]:
        yield from articles_from_stream(binary, label, site_url, tally)
        return
    try:
        with gzip.GzipFile(fileobj=binary, mode="rb") as unpacked:
            yield from articles_from_stream(_Capped.reader(unpacked, label), label, site_url, tally)
    except gzip.BadGzipFile:
        yield IngestError("named .gz but not gzip-compressed: remove .gz from its name, or compress it", where=label)
    except (EOFError, zlib.error):
        yield IngestError("the gzip file is cut short or damaged: copy or compress it again", where=label)


class _Capped(io.RawIOBase):
    """A gzipped file's bytes, refusing to unpack past ``MAX_ZIP_TOTAL_BYTES`` (a gzip bomb)."""

    def __init__(self, unpacked: gzip.GzipFile, label: str) -> None:
        self._unpacked = unpacked
        self._label = label
        self._total = 0

    @classmethod
    def reader(cls, unpacked: gzip.GzipFile, label: str) -> io.BufferedReader:
        return io.BufferedReader(cls(unpacked, label))

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        size = self._unpacked.readinto(buffer)
        self._total += size
        if self._total > MAX_ZIP_TOTAL_BYTES:
            raise IngestError("unpacks to more than {size} MB", where=self._label, size=MAX_ZIP_TOTAL_BYTES // 1_000_000)
        return size


def _articles_from_zip(path: Path, site_url: str, label: str, tally: LineTally | None) -> Iterator[ArticleOrError]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        yield IngestError("not a valid ZIP file", where=label)
        return
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir() and not m.filename.startswith("__MACOSX/")]
        if sum(m.file_size for m in members) > MAX_ZIP_TOTAL_BYTES:
            yield IngestError("unpacks to more than {size} MB", where=label, size=MAX_ZIP_TOTAL_BYTES // 1_000_000)
            return
        for member in members:
            where = f"{label}:{member.filename}"
            if Path(member.filename).suffix.lower() == ".zip":
                yield IngestError("a ZIP inside a ZIP is not read: unpack it and load the inner ZIP itself", where=where)
            elif not is_supported(member.filename):
                yield unsupported(file_format(member.filename)[0], where)
            elif member.file_size > MAX_ZIP_MEMBER_BYTES:
                yield IngestError("larger than {size} MB unpacked", where=where, size=MAX_ZIP_MEMBER_BYTES // 1_000_000)
            else:
                try:
                    with archive.open(member) as binary:
                        yield from _articles_maybe_gzipped(binary, where, site_url, tally)
                except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as error:
                    yield IngestError("cannot unpack ({error})", where=where, error=str(error))


def estimate_rows(path: Path) -> int | None:
    """Roughly how many articles a file holds, for a progress bar's total."""
    suffix = path.suffix.lower()
    try:
        if suffix in HTML_SUFFIXES:
            return 1
        if suffix in (".jsonl", ".ndjson", ".csv"):
            with path.open("rb") as binary:
                lines = sum(chunk.count(b"\n") for chunk in iter(lambda: binary.read(1 << 20), b""))
            return max(1, lines - (1 if suffix == ".csv" else 0))
    except OSError:
        return None
    return None
