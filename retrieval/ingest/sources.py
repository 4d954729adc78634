"""Turn what an admin names (files, folders, ZIPs, URLs) into article streams.

File reading is blocking I/O and runs in a worker thread (see ``ingest``);
everything here is synchronous and yields ``ArticleInput`` or
``IngestError`` per article so one bad row never stops a file.
"""

from __future__ import annotations

import gzip
import io
import itertools
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from retrieval.errors import IngestError
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
MAX_LINE_BYTES = 8_000_000
MAX_HTML_BYTES = 20_000_000
_JSON_CHUNK_BYTES = 1 << 16

ArticleOrError = ArticleInput | IngestError


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def expand_paths(inputs: Iterable[str]) -> Iterator[Path | str | IngestError]:
    """Yield URLs as given, files as paths (folders recursed), or why not."""
    for value in inputs:
        if is_url(value):
            yield value
            continue
        path = Path(value).expanduser()
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            if not found:
                yield IngestError("no .jsonl, .json, .csv, .html or .zip files in this folder", where=value)
            yield from found
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
            yield error
        except (ValueError, OverflowError, TypeError) as error:  # a value no rule foresaw: still one row
            yield IngestError("cannot read this row ({error})", where=row.where, error=f"{type(error).__name__}: {error}")


def _text_lines(binary: io.BufferedIOBase, name: str) -> Iterator[str]:
    """Decode line by line, so rows before a bad byte still load and the
    error names the line (reading stops there: the rest is likely garbled).

    No line longer than ``MAX_LINE_BYTES`` is read into memory: no article
    row is that long, and a file that is one endless line must not cost more.
    """
    for number in itertools.count(1):
        raw = binary.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        if len(raw) > MAX_LINE_BYTES:
            raise IngestError(
                "longer than {size} MB: not one article per line", where=f"{name} line {number}", size=MAX_LINE_BYTES // 1_000_000
            )
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise IngestError(
                "not UTF-8 text (byte {byte} of the line); save the file as UTF-8",
                where=f"{name} line {number}",
                byte=error.start + 1,
            ) from error


def articles_from_stream(binary: io.BufferedIOBase, name: str, site_url: str) -> Iterator[ArticleOrError]:
    """Articles in one file's bytes, by the file name's suffix (read in bounded memory)."""
    suffix = file_format(name)[0]
    source = Path(name).name
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
            yield from _validated(rows_from_jsonl(_text_lines(binary, name), name), site_url, source)
        elif suffix == ".json":
            chunks = iter(lambda: binary.read(_JSON_CHUNK_BYTES), b"")
            yield from _validated(rows_from_json(chunks, name), site_url, source)
        elif suffix == ".csv":
            yield from _validated(rows_from_csv(_text_lines(binary, name), name), site_url, source)
        else:
            yield unsupported(suffix, name)
    except IngestError as error:
        yield error


def articles_from_file(path: Path, site_url: str, name: str | None = None) -> Iterator[ArticleOrError]:
    """Articles in a file on disk (a ZIP is opened and each member read); a file without any is a failure."""
    label = name or str(path)
    empty = True
    for item in _articles_in_file(path, site_url, label):
        empty = False
        yield item
    if empty:
        yield IngestError("holds no articles", where=label)


def _articles_in_file(path: Path, site_url: str, label: str) -> Iterator[ArticleOrError]:
    try:
        if path.suffix.lower() == ".zip":
            yield from _articles_from_zip(path, site_url, label)
            return
        if file_format(path.name)[1]:
            with gzip.open(path, "rb") as unpacked:
                yield from articles_from_stream(_Capped.reader(unpacked, label), label, site_url)
            return
        with path.open("rb") as binary:
            yield from articles_from_stream(binary, label, site_url)
    except gzip.BadGzipFile:
        yield IngestError("named .gz but not gzip-compressed: remove .gz from its name, or compress it", where=label)
    except (EOFError, zlib.error):
        yield IngestError("the gzip file is cut short or damaged: copy or compress it again", where=label)
    except OSError as error:
        yield IngestError("cannot read the file ({error})", where=label, error=str(error.strerror or error))


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


def _articles_from_zip(path: Path, site_url: str, label: str) -> Iterator[ArticleOrError]:
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
            suffix = Path(member.filename).suffix.lower()
            if suffix == ".zip":
                yield IngestError("a ZIP inside a ZIP is not read: unpack it and load the inner ZIP itself", where=where)
            elif suffix not in ROW_SUFFIXES | HTML_SUFFIXES:
                yield unsupported(suffix, where)
            elif member.file_size > MAX_ZIP_MEMBER_BYTES:
                yield IngestError("larger than {size} MB unpacked", where=where, size=MAX_ZIP_MEMBER_BYTES // 1_000_000)
            else:
                try:
                    with archive.open(member) as binary:
                        yield from articles_from_stream(binary, where, site_url)
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
