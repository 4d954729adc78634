"""Reading a row file's bytes as lines: UTF-8 line by line, byte order marks, legacy encodings only when sure."""

from __future__ import annotations

import codecs
import io
import os

import pytest

from retrieval.errors import IngestError
from retrieval.ingest.decoding import LineTally, UnreadableLine, choose_encoding, text_lines

# Windows-1256 has the Arabic yeh (ي) where Persian writes ی: old Persian files hold it.
PERSIAN = "مجلس شوراي اسلامي امروز لايحه بودجه سال آينده را تصويب كرد و نمايندگان درباره آن گفتگو كردند.\n" * 3
GERMAN = "Die Bürger der Stadt wählten gestern einen neuen Bürgermeister; die Wahlbeteiligung lag bei über fünfzig Prozent.\n" * 10


def lines(data: bytes, name: str = "f.jsonl") -> tuple[list[str | UnreadableLine], LineTally]:
    tally = LineTally()
    return list(text_lines(io.BufferedReader(io.BytesIO(data)), name, tally)), tally


def test_utf8_and_ascii_are_utf8_even_cut_mid_character() -> None:
    assert choose_encoding(b"plain ascii\n") == "utf-8"
    assert choose_encoding(PERSIAN.encode()[:101]) == "utf-8"  # a sample may end inside a character


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"), (codecs.BOM_UTF32_LE, "utf-32")],
)
def test_a_byte_order_mark_is_sure(bom: bytes, codec: str) -> None:
    assert choose_encoding(bom + b"x") == codec


def test_a_legacy_encoding_is_taken_when_the_detector_is_sure() -> None:
    assert codecs.lookup(choose_encoding(PERSIAN.encode("cp1256"))).name == "cp1256"
    assert codecs.lookup(choose_encoding(GERMAN.encode("cp1252"))).name == "cp1252"


def test_a_few_stray_bytes_are_no_evidence_of_an_encoding() -> None:
    assert choose_encoding(b'{"title": "Caf\xe9"}\n' + b'{"title": "plain"}\n' * 5) == "utf-8"
    assert choose_encoding(GERMAN[:200].encode("cp1252")) == "utf-8"  # under MIN_EVIDENCE_BYTES: its lines fail alone
    assert choose_encoding(("é" * 200).encode() + b"\xe9" * 60) == "utf-8"  # mostly UTF-8: damaged lines


def test_utf16_without_a_mark_is_found_by_its_zero_bytes() -> None:
    assert codecs.lookup(choose_encoding(GERMAN.encode("utf-16-le"))).name == "utf-16-le"


def test_a_file_whose_encoding_cannot_be_told_is_refused_in_one_line() -> None:
    with pytest.raises(IngestError) as caught:
        choose_encoding(os.urandom(4096).replace(b"\n", b" "))
    assert caught.value.reason.startswith("not UTF-8 text, and its encoding cannot be told for sure")


def test_an_undecodable_line_is_flagged_and_the_next_line_is_read() -> None:
    read, tally = lines(b"one\ntwo \xe9\nthree\nfour")
    assert read[0] == "one\n" and read[2:] == ["three\n", "four"]
    bad = read[1]
    assert isinstance(bad, UnreadableLine) and bad.number == 2 and bad.text == "two \ufffd\n"
    assert bad.error.where == "f.jsonl line 2" and bad.error.line == 2
    assert bad.error.reason == "not UTF-8 text (byte 5 of the line); save the file as UTF-8"
    assert tally.lines == 4


def test_utf16_with_a_bom_and_windows_1256_are_decoded_line_by_line() -> None:
    read, tally = lines(("a\nب\n" + PERSIAN).encode("utf-16"))
    assert read[:2] == ["a\n", "ب\n"] and tally.lines == 5
    read, _ = lines(b"\xef\xbb\xbfurl,title\n")
    assert read == ["url,title\n"]
    read, _ = lines(PERSIAN.encode("cp1256"))
    assert "".join(read) == PERSIAN


def test_a_line_past_the_limit_is_skipped_and_the_next_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("retrieval.ingest.decoding.MAX_LINE_BYTES", 1_000)
    read, tally = lines(b"short\n" + b"x" * 5_000 + b"\nafter\n")
    assert read[0] == "short\n" and read[2] == "after\n" and tally.lines == 3
    assert isinstance(read[1], UnreadableLine) and "longer than" in read[1].error.reason
