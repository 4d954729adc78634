"""A row file's bytes as text: which encoding it is in, and its lines one by one.

A file is read in the encoding its first ``SAMPLE_BYTES`` show for sure: a
byte order mark (UTF-8, UTF-16, UTF-32), else UTF-8 when the bytes outside
ASCII read as UTF-8 (or are too few to tell anything), else the legacy
encoding chardet names with confidence (a Windows-1252 spreadsheet export,
Windows-1256 Persian text); a file that is none of these is refused whole,
in one line, rather than loaded as gibberish. ``bench/encodings.py``
measures the detector and the confidence it needs.

Lines are then decoded one at a time, so a stray byte costs its own line
(an ``UnreadableLine``, one failed row) and the next line is read; so does a
line too long to be one article. ``LineTally`` counts the lines read, which
the load's summary says, so a file read only in part cannot pass unnoticed.
"""

from __future__ import annotations

import codecs
import io
import itertools
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from retrieval.errors import IngestError

SAMPLE_BYTES = 65_536
_PIECE_BYTES = 8_192
MAX_LINE_BYTES = 8_000_000
# A legacy encoding is looked for only with at least this many bytes outside ASCII
# that are not UTF-8: one "é" in a file of English tells nothing (its line fails alone),
# and chardet's guesses from fewer were sometimes wrong (bench/encodings.py).
MIN_EVIDENCE_BYTES = 48
# chardet's confidence in its guess, below which it is not taken (the file is refused):
# from 48 bytes on, 86 % of right guesses reach it and none of the wrong ones measured.
MIN_CONFIDENCE = 0.15
_BOMS = (  # UTF-32's little-endian mark begins with UTF-16's: it is looked for first
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class UnreadableLine:
    """A line that cannot be one row: why (``error``), and its text with the bad bytes replaced,
    so a CSV row spanning it keeps its shape and the rows after it are found."""

    number: int
    text: str
    error: IngestError


@dataclass(slots=True)
class LineTally:
    """Lines read from line files (JSON Lines, CSV), and how many such files, as a load goes."""

    lines: int = 0
    files: int = 0


def choose_encoding(sample: bytes) -> str:
    """The codec to read a file starting with ``sample`` in; ``IngestError`` when it cannot be told for sure."""
    for bom, codec in _BOMS:
        if sample.startswith(bom):
            return codec
    wide = sample.count(0) > len(sample) // 4  # UTF-16 or UTF-32 without a mark: ASCII there is valid UTF-8
    if not wide:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)  # the sample may end inside a character
            return "utf-8"
        except UnicodeDecodeError:
            pass
        outside_ascii = sum(1 for byte in sample if byte > 0x7F)
        text = sample.decode("utf-8", "replace")
        as_utf8 = sum(len(char.encode()) for char in text if "\x7f" < char != "\ufffd")
        if as_utf8 >= outside_ascii - as_utf8 or outside_ascii - as_utf8 < MIN_EVIDENCE_BYTES:
            return "utf-8"  # UTF-8 with damaged lines, or too little to tell: each bad line fails alone
    import chardet  # only here: most files are UTF-8, and the detector's tables cost memory

    guess = chardet.detect(sample, prefer_superset=True)
    name, confidence = guess["encoding"], guess["confidence"] or 0.0
    if name and confidence >= MIN_CONFIDENCE:
        try:
            return codecs.lookup(name).name
        except LookupError:
            pass
    if name:
        raise IngestError(
            "not UTF-8 text, and its encoding cannot be told for sure (perhaps {encoding}): save the file as UTF-8"
            " and load it again",
            encoding=name,
        )
    raise IngestError("not UTF-8 text, and its encoding cannot be told for sure: save the file as UTF-8 and load it again")


def text_lines(binary: io.BufferedIOBase, name: str, tally: LineTally) -> Iterator[str | UnreadableLine]:
    """Every line of a file, decoded; a line that cannot be read is an ``UnreadableLine`` and the next is read.

    No line longer than ``MAX_LINE_BYTES`` is held in memory: no article row
    is that long, and a file that is one endless line must not cost more.
    Raises ``IngestError`` (the file is refused whole) when its encoding
    cannot be told.
    """
    sample, rest = _sample(binary)
    try:
        encoding = choose_encoding(sample)
    except IngestError as error:
        raise error.moved(name) from None
    tally.files += 1
    stream = io.BufferedReader(ChunkReader(itertools.chain([sample], rest)), SAMPLE_BYTES)
    if encoding.startswith(("utf-16", "utf-32")):
        yield from _wide_lines(stream, encoding, name, tally)
        return
    if encoding == "utf-8-sig":
        stream.read(len(codecs.BOM_UTF8))
        encoding = "utf-8"
    for number in itertools.count(1):
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        tally.lines += 1
        where = f"{name} line {number}"
        if len(raw) > MAX_LINE_BYTES:
            ended, raw = raw.endswith(b"\n"), b""  # not kept while the rest of the line is read past
            if not ended:
                _skip_rest_of_line(stream)
            yield UnreadableLine(number, "\n", _too_long(where, number))
            continue
        try:
            yield raw.decode(encoding)
        except UnicodeDecodeError as error:
            if encoding == "utf-8":
                why = IngestError(
                    "not UTF-8 text (byte {byte} of the line); save the file as UTF-8", where=where, line=number, byte=error.start + 1
                )
            else:
                why = IngestError(
                    "not {encoding} text, the encoding the rest of the file is in (byte {byte} of the line);"
                    " save the file as UTF-8",
                    where=where,
                    line=number,
                    encoding=_shown(encoding),
                    byte=error.start + 1,
                )
            yield UnreadableLine(number, raw.decode(encoding, "replace"), why)


def utf8_chunks(binary: io.BufferedIOBase, name: str) -> Iterator[bytes]:
    """A whole-file format's (JSON's) bytes as UTF-8, in chunks, whatever encoding it is in."""
    sample, rest = _sample(binary)
    try:
        encoding = choose_encoding(sample)
    except IngestError as error:
        raise error.moved(name) from None
    chunks = itertools.chain([sample], rest)
    if encoding in ("utf-8", "utf-8-sig"):  # the JSON parser drops a UTF-8 byte order mark itself
        yield from chunks
        return
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for chunk in chunks:
            yield decoder.decode(chunk).encode()
        yield decoder.decode(b"", final=True).encode()
    except UnicodeDecodeError as error:
        raise IngestError("not {encoding} text throughout ({error})", where=name, encoding=_shown(encoding), error=error.reason) from None


def _wide_lines(stream: io.BufferedReader, encoding: str, name: str, tally: LineTally) -> Iterator[str | UnreadableLine]:
    """Lines of UTF-16 or UTF-32 text (a newline byte is no line break there); a decoding error ends the file."""
    text = io.TextIOWrapper(stream, encoding=encoding, newline="\n")
    limit = MAX_LINE_BYTES // 2
    for number in itertools.count(1):
        try:
            line = text.readline(limit + 1)
            if not line:
                return
            tally.lines += 1
            if len(line) > limit:
                while line and not line.endswith("\n"):
                    line = text.readline(limit)
                yield UnreadableLine(number, "\n", _too_long(f"{name} line {number}", number))
                continue
        except UnicodeDecodeError as error:
            why = IngestError(
                "not {encoding} text from here on ({error}); save the file as UTF-8",
                where=f"{name} line {number}",
                line=number,
                encoding=_shown(encoding),
                error=error.reason,
            )
            yield UnreadableLine(number, "\n", why)
            return
        yield line


def _skip_rest_of_line(stream: io.BufferedReader) -> None:
    """Read past the end of a line too long to keep, a megabyte at a time."""
    while (piece := stream.readline(1 << 20)) and not piece.endswith(b"\n"):
        pass


def _too_long(where: str, number: int) -> IngestError:
    return IngestError(
        "longer than {size} MB: not one article per line", where=where, line=number, size=MAX_LINE_BYTES // 1_000_000
    )


def _shown(encoding: str) -> str:
    """A codec's usual name: "cp1252" → "Windows-1252", "utf-16" → "UTF-16"."""
    if encoding.startswith("cp125"):
        return "Windows-" + encoding[2:]
    return encoding.upper()


def _sample(binary: io.BufferedIOBase) -> tuple[bytes, Iterator[bytes]]:
    """The first ``SAMPLE_BYTES`` of a file, and the rest in chunks.

    Read a piece at a time: a gzip file cut short fails on the piece past
    its end, and the rows before must still load, so the error is raised
    where the rest would begin.
    """
    pieces: list[bytes] = []
    size = 0
    try:
        while size < SAMPLE_BYTES and (piece := binary.read(min(_PIECE_BYTES, SAMPLE_BYTES - size))):
            pieces.append(piece)
            size += len(piece)
    except (OSError, EOFError, zlib.error, IngestError) as error:
        return b"".join(pieces), _raising(error)
    return b"".join(pieces), iter(lambda: binary.read(SAMPLE_BYTES), b"")


def _raising(error: Exception) -> Iterator[bytes]:
    raise error
    yield b""  # a generator: the error comes when the rest is read


class ChunkReader(io.RawIOBase):
    """A file-like view of an iterable of byte chunks (what ijson and ``readline`` read)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = memoryview(chunk)
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size
