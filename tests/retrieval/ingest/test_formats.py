import json

import pytest

from retrieval.errors import IngestError
from retrieval.ingest.decoding import UnreadableLine
from retrieval.ingest.formats import RawRow, rows_from_csv, rows_from_json, rows_from_jsonl


def test_jsonl_rows_and_bad_lines_with_numbers() -> None:
    lines = ['{"url": "u1"}\n', "\n", "{not json\n", "[1, 2]\n", '{"url": "u2"}\n']
    rows = list(rows_from_jsonl(lines, "f.jsonl"))
    assert isinstance(rows[0], RawRow) and rows[0].where == "f.jsonl line 1"
    assert isinstance(rows[1], IngestError) and rows[1].where == "f.jsonl line 3"
    assert "not valid JSON" in rows[1].reason
    assert isinstance(rows[2], IngestError) and "expected a JSON object" in rows[2].reason
    assert isinstance(rows[3], RawRow) and rows[3].where == "f.jsonl line 5"


def test_json_array_object_and_wrapper() -> None:
    assert [r.where for r in rows_from_json(json.dumps([{"url": 1}, {"url": 2}]), "a.json")] == [
        "a.json item 1",
        "a.json item 2",
    ]
    assert len(list(rows_from_json(json.dumps({"articles": [{"url": 1}]}), "a.json"))) == 1
    assert len(list(rows_from_json(json.dumps({"url": "x", "title": "t"}), "a.json"))) == 1
    (error,) = rows_from_json('{"nope": 1}', "a.json")
    assert isinstance(error, IngestError)
    not_an_object, cut = rows_from_json("[1,", "a.json")
    assert isinstance(not_an_object, IngestError) and not_an_object.where == "a.json item 1"
    assert isinstance(cut, IngestError) and cut.reason.startswith("not valid JSON after item 1")


def test_json_is_streamed_and_keeps_the_items_before_a_syntax_error() -> None:
    chunks = iter([b"\xef\xbb", b"\xbf[", b'{"url": "a"},', b'{"url": "b"}, {"url": "c", "views": 1.5}', b", {oops"])
    rows = list(rows_from_json(chunks, "big.json"))
    assert [r.fields["url"] for r in rows[:3]] == ["a", "b", "c"] and rows[2].fields["views"] == 1.5
    assert isinstance(rows[3], IngestError) and rows[3].reason.startswith("not valid JSON after item 3")
    meta_first = json.dumps({"meta": {"tags": [1, 2]}, "articles": [{"url": "x"}], "after": 1})
    assert [r.fields for r in rows_from_json(meta_first, "w.json")] == [{"url": "x"}]
    (one,) = rows_from_json(json.dumps({"url": "x", "title": "t", "tags": ["a"], "body": "b"}), "one.json")
    assert one.fields == {"url": "x", "title": "t", "body": "b"}


def test_csv_header_case_and_line_numbers() -> None:
    text = 'URL,Title,Body,extra\nhttps://x.org/1,One,"Multi\nline body",z\nhttps://x.org/2,Two,Body,z,surplus\n'
    rows = list(rows_from_csv(text.splitlines(keepends=True), "a.csv"))
    assert isinstance(rows[0], RawRow)
    assert rows[0].fields == {"url": "https://x.org/1", "title": "One", "body": "Multi\nline body"}
    assert isinstance(rows[1], IngestError) and rows[1].where == "a.csv line 4"


def test_csv_without_required_columns() -> None:
    (error,) = rows_from_csv(["link,headline\n", "a,b\n"], "a.csv")
    assert isinstance(error, IngestError)
    assert error.reason == "the header row lacks url, body (found: link, headline)"


def test_json_errors_read_as_one_sentence() -> None:
    (control,) = rows_from_jsonl(['{"body": "a\x01b"}\n'], "f.jsonl")
    assert control.reason == "not valid JSON: Invalid control character at column 12"
    (cut,) = rows_from_jsonl(['{"body": "open'], "f.jsonl")
    assert cut.reason == "not valid JSON: Unterminated string starting at column 10"
    (empty,) = rows_from_jsonl(["}\n"], "f.jsonl")
    assert empty.reason == "not valid JSON: Expecting value at column 1"
    (extra,) = rows_from_jsonl(['{"a": 1} x\n'], "f.jsonl")
    assert extra.reason == "not valid JSON: Extra data at column 10"


def test_an_unreadable_line_is_one_failed_row_in_jsonl_and_csv() -> None:
    bad = UnreadableLine(2, '{"url": "b\ufffd"}\n', IngestError("not UTF-8 text", where="f line 2", line=2))
    rows = list(rows_from_jsonl(['{"url": "a"}\n', bad, '{"url": "c"}\n'], "f.jsonl"))
    assert [type(r) for r in rows] == [RawRow, IngestError, RawRow] and rows[1].where == "f line 2"
    header = "url,title,body\n"
    bad_csv = UnreadableLine(3, "https://x.org/2,Caf\ufffd,b\n", IngestError("not UTF-8 text", where="a.csv line 3", line=3))
    rows = list(rows_from_csv([header, "https://x.org/1,One,b\n", bad_csv, "https://x.org/3,Three,b\n"], "a.csv"))
    assert [type(r) for r in rows] == [RawRow, IngestError, RawRow]
    assert rows[1].where == "a.csv line 3" and rows[2].where == "a.csv line 4"


def test_csv_needs_only_url_and_body_and_keeps_author_and_summary() -> None:
    (row,) = rows_from_csv(["url,body,author,summary\n", "https://x.org/1,Text,Ann,Short\n"], "a.csv")
    assert isinstance(row, RawRow)
    assert row.fields == {"url": "https://x.org/1", "body": "Text", "author": "Ann", "summary": "Short"}


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_csv_delimiter_is_found_from_the_header(delimiter: str) -> None:
    """A European spreadsheet's export uses ";"; the other two stay in the values."""
    header = delimiter.join(["URL", "title", "body"]) + "\n"
    row = delimiter.join(["https://x.org/1", '"One, two; three"', '"Body\twith a tab"']) + "\n"
    (parsed,) = rows_from_csv([header, row], "a.csv")
    assert isinstance(parsed, RawRow)
    assert parsed.fields == {"url": "https://x.org/1", "title": "One, two; three", "body": "Body\twith a tab"}


def test_a_header_in_another_delimiter_says_which() -> None:
    (error,) = rows_from_csv(["url|title|body\n", "a|b|c\n"], "a.csv")
    assert isinstance(error, IngestError)
    assert error.reason == (
        "the header row lacks url, body (found: url|title|body); its columns seem to be separated by '|':"
        " use commas, semicolons or tabs"
    )


def test_a_json_array_error_says_where_reading_stopped_in_one_sentence() -> None:
    *_, garbled = rows_from_json('[{"a": 1}, {oops', "a.json")
    assert garbled.reason == "not valid JSON after item 1, where reading stopped: invalid char in json text"
    (control,) = rows_from_json('[{"a": "b\x01"}]', "a.json")
    assert control.reason == "not valid JSON: invalid character inside string"
    *_, bad_byte = rows_from_json(b'[{"a": 1}, {"url": "caf\xe9"}]', "a.json")
    assert bad_byte.reason == "not valid JSON after item 1, where reading stopped: invalid bytes in UTF8 string"
