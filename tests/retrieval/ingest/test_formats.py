import json

from retrieval.errors import IngestError
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
    assert "lacks url, title, body" in error.reason
