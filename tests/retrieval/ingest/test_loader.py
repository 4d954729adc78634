"""Loading every file format, bad input, re-loading and atomicity, on real SQLite."""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from retrieval import Archive
from retrieval.ingest import decoding, sources
from retrieval.models import MAX_FAILURES_KEPT
from tests.conftest import article, write_jsonl
from tests.pages import PARAGRAPHS, article_page


async def titles(archive: Archive) -> list[str]:
    return sorted(h.title for h in await archive.latest(100))


async def test_jsonl_json_csv_html_zip_and_folder(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_jsonl(folder / "a.jsonl", [article(1, published="2024-01-02", views=5)])
    (folder / "b.json").write_text(json.dumps({"articles": [article(2)]}))
    with (folder / "c.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, ["url", "title", "body", "published", "views"])
        writer.writeheader()
        writer.writerow(article(3, published="Tue, 02 Jan 2024 10:00:00 GMT", views="7"))
    (folder / "d.html").write_text(article_page("Albania story", PARAGRAPHS, canonical="https://news.example.com/d"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("inner/e.jsonl", json.dumps(article(5)) + "\n")
        bundle.writestr("notes.txt", "ignored with a reason")
        bundle.writestr("inner.zip", b"PK")
    (folder / "f.zip").write_bytes(buffer.getvalue())

    report = await archive.load([str(folder)])

    assert (report.new, report.failed) == (5, 2)
    assert report.failures[0].source.endswith("f.zip:notes.txt")
    assert report.failures[1].source.endswith("f.zip:inner.zip")
    assert report.failures[1].reason.startswith("a ZIP inside a ZIP is not read")
    assert await titles(archive) == ["Albania story", "Story number 1", "Story number 2", "Story number 3", "Story number 5"]
    assert (await archive.search("topic3")).hits[0].headline.views == 7
    assert (await archive.search("Tirana")).hits[0].headline.url == "https://news.example.com/d"


async def test_bad_rows_are_reported_with_line_and_field_and_good_rows_load(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps(article(1)),
                "{broken",
                json.dumps(article(2, published="next tuesday")),
                json.dumps(article(3, url="ftp://x.org/3")),
                json.dumps(article(4, views=-2)),
                json.dumps({"url": "https://x.org/5", "title": "No body"}),
                json.dumps(article(6)),
            ]
        )
    )
    report = await archive.load([str(path)])
    assert (report.new, report.failed) == (2, 5)
    messages = [f"{f.source}: {f.reason}" for f in report.failures]
    assert messages[0].startswith(f"{path} line 2: not valid JSON")
    assert messages[1] == f"{path} line 3: field 'published': not an ISO 8601 or RFC 2822 date: 'next tuesday'"
    assert "line 4: field 'url': not an absolute http(s) URL" in messages[2]
    assert "line 5: field 'views': must not be negative" in messages[3]
    assert "line 6: field 'body': missing" in messages[4]


async def test_unreadable_inputs_fail_cleanly(archive: Archive, tmp_path: Path) -> None:
    (tmp_path / "latin1.jsonl").write_bytes(json.dumps(article(1)).encode() + b"\n\xff\xfe broken\n")
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "bad.zip").write_bytes(b"PK not really")
    (tmp_path / "empty.html").write_text("<html><body></body></html>")
    inputs = [str(tmp_path / name) for name in ("latin1.jsonl", "notes.txt", "bad.zip", "empty.html", "missing.csv")]
    report = await archive.load(inputs)
    reasons = [f.reason for f in report.failures]
    assert report.new == 1  # the good line before the bad bytes
    assert any(f.source.endswith("latin1.jsonl line 2") and "not UTF-8" in f.reason for f in report.failures)
    assert any("unsupported file type '.txt'" in r for r in reasons)
    assert any("not a valid ZIP" in r for r in reasons)
    assert any("no article text" in r for r in reasons)
    assert any("no such file" in r for r in reasons)


async def test_reload_is_idempotent_and_updates_in_place(archive: Archive, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [article(1, views=3), article(2)])
    first = await archive.load([str(path)])
    again = await archive.load([str(path)])
    assert (first.new, again.new, again.unchanged) == (2, 0, 2)

    write_jsonl(path, [article(1, views=10), article(2, body="Completely new wording about zebras.")])
    changed = await archive.load([str(path)])
    assert (changed.new, changed.updated) == (0, 2)
    assert len(await archive.latest(10)) == 2
    assert (await archive.search("zebras")).hits[0].headline.title == "Story number 2"
    assert (await archive.search("topic2")).hits == ()
    assert (await archive.top(1))[0].views == 10
    stats = await archive.stats()
    assert stats.store.passages == stats.indexed_passages == 2


async def test_same_url_spelled_differently_is_one_article(archive: Archive, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [article(1, url="https://News.Example.com/a?utm_source=tw"), article(1, url="https://news.example.com/a#x")],
    )
    report = await archive.load([str(path)])
    assert (report.new, report.unchanged) == (1, 1)


async def test_failure_inside_one_article_leaves_no_trace_of_it(archive: Archive, tmp_path: Path) -> None:
    """A storage error in the middle of a batch: that article is absent, the rest stored whole."""
    failing = "NEW.seq = 1 AND (SELECT title FROM articles WHERE id = NEW.article_id) = 'Story number 3'"
    async with archive.store.db.transaction() as tx:
        if archive.store.db.dialect == "sqlite":
            await tx.execute(
                f"CREATE TRIGGER fail_mid_article BEFORE INSERT ON passages WHEN {failing}"
                " BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
            )
        else:
            await tx.execute(
                "CREATE FUNCTION fail_mid_article() RETURNS trigger LANGUAGE plpgsql AS"
                f" $$ BEGIN IF {failing} THEN RAISE EXCEPTION 'disk on fire'; END IF; RETURN NEW; END $$"
            )
            await tx.execute(
                "CREATE TRIGGER fail_mid_article BEFORE INSERT ON passages"
                " FOR EACH ROW EXECUTE FUNCTION fail_mid_article()"
            )
    long_body = " ".join(f"Sentence {i} of the long story says something new." for i in range(60))
    records = [article(n) for n in (1, 2)] + [article(3, body=long_body)] + [article(n) for n in (4, 5)]
    report = await archive.load([str(write_jsonl(tmp_path / "a.jsonl", records))])

    assert (report.new, report.failed) == (4, 1)
    assert "disk on fire" in report.failures[0].reason
    assert await titles(archive) == [f"Story number {n}" for n in (1, 2, 4, 5)]
    orphans = await archive.store.db.fetchone(
        "SELECT count(*) FROM passages WHERE article_id NOT IN (SELECT id FROM articles)"
    )
    assert orphans == (0,)
    stats = await archive.stats()
    assert stats.store.passages == stats.indexed_passages == 4


async def test_gzipped_row_files_load_and_a_cut_one_keeps_its_good_rows(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = "".join(json.dumps(article(n)) + "\n" for n in range(1, 301)).encode()
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(rows))
    packed = gzip.compress(rows.replace(b"story-", b"cut-"))
    (tmp_path / "cut.jsonl.gz").write_bytes(packed[: len(packed) // 2])
    (tmp_path / "bad.csv.gz").write_bytes(b"not gzip at all")
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(b"<html></html>"))

    report = await archive.load([str(tmp_path / name) for name in ("a.jsonl.gz", "cut.jsonl.gz", "bad.csv.gz")])
    reasons = [failure.reason for failure in report.failures]
    assert report.new > 300 and len(reasons) == 2
    assert "cut short or damaged" in reasons[0] and "named .gz but not gzip-compressed" in reasons[1]
    assert (await archive.search("topic250")).hits

    refused = await archive.load([str(tmp_path / "page.html.gz")])
    assert "unsupported file type '.html'" in refused.failures[0].reason

    monkeypatch.setattr(sources, "MAX_ZIP_TOTAL_BYTES", 10_000)
    bomb = await archive.load([str(tmp_path / "a.jsonl.gz")])
    assert "unpacks to more than" in bomb.failures[0].reason


async def test_an_article_without_a_headline_loads_under_its_first_sentence(archive: Archive, tmp_path: Path) -> None:
    row = article(1, title="", body="Washington CNN —\n\nSenators agreed on a gun safety package on Sunday. More soon.")
    report = await archive.load([str(write_jsonl(tmp_path / "a.jsonl", [row, {**article(2), "title": None}]))])
    assert (report.new, report.failed) == (2, 0)
    (hit,) = (await archive.search("gun safety package")).hits
    assert hit.headline.title == "Senators agreed on a gun safety package on Sunday."
    assert (await archive.search("topic2")).hits[0].headline.title == "This is the body of story 2."


async def test_bad_values_are_row_errors_and_the_good_rows_around_them_load(archive: Archive, tmp_path: Path) -> None:
    rows = [
        article(1),
        article(2, views=2**70),
        article(3, views="²"),
        article(4, published="9999-12-31T23:59:59-23:00"),
        article(5, url="https://[::1"),
        article(6, url="http://127.0.0.1:99999/"),
        article(7, views=1e30),
        article(8),
    ]
    report = await archive.load([str(write_jsonl(tmp_path / "mixed.jsonl", rows))])
    assert (report.new, report.failed) == (2, 6)
    assert [f.source.rsplit(" ", 1)[-1] for f in report.failures] == ["2", "3", "4", "5", "6", "7"]
    assert sorted(h.title for h in await archive.latest(10)) == ["Story number 1", "Story number 8"]


async def test_an_endless_line_is_refused_without_keeping_it_and_the_rows_around_it_load(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(decoding, "MAX_LINE_BYTES", 5_000)
    path = tmp_path / "long.jsonl"
    path.write_bytes((json.dumps(article(1)) + "\n").encode() + b"x" * 50_000 + b"\n" + json.dumps(article(2)).encode())
    report = await archive.load([str(path)])
    assert (report.new, report.failed, report.lines_read) == (2, 1, 3)
    assert report.failures[0].source.endswith("long.jsonl line 2")
    assert "longer than" in report.failures[0].reason


async def test_a_million_bad_rows_are_counted_but_only_the_first_reasons_kept(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "empty-objects.json"
    path.write_text("[" + ",".join(["{}"] * 20_000) + "]")
    report = await archive.load([str(path)])
    assert report.failed == 20_000 and len(report.failures) == MAX_FAILURES_KEPT
    assert report.failures[0].source.endswith("empty-objects.json item 1")


GERMAN = (
    "Die Bürger der Stadt wählten am Sonntag einen neuen Bürgermeister. Über fünfzig Prozent gingen zur Wahl, so viele"
    " wie seit Jahren nicht. Der Gewählte versprach, die Brücke über den Fluss schnell zu erneuern. Kritiker bemängeln,"
    " dass die Schulden der Gemeinde weiter wachsen würden. Im Rathaus begrüßte man das Ergebnis mit großer Erleichterung."
)


def six_rows(bad_line: int = 3) -> list[bytes]:
    rows = [(json.dumps(article(n)) + "\n").encode() for n in range(1, 7)]
    rows[bad_line - 1] = rows[bad_line - 1].replace(b"Story number", b"Caf\xe9 number")
    return rows


async def test_a_bad_byte_fails_its_own_line_and_every_other_line_loads(archive: Archive, tmp_path: Path) -> None:
    (tmp_path / "six.jsonl").write_bytes(b"".join(six_rows()))
    csv_rows = [b"url,title,body\n"] + [f"{r['url']},{r['title']},{r['body']}\n".encode() for r in map(article, range(1, 7))]
    csv_rows[3] = csv_rows[3].replace(b"Story", b"Caf\xe9")
    (tmp_path / "six.csv").write_bytes(b"".join(csv_rows).replace(b"story-", b"csv-"))

    report = await archive.load([str(tmp_path / "six.jsonl"), str(tmp_path / "six.csv")])

    assert (report.new, report.failed, report.lines_read) == (10, 2, 13)
    assert [(f.source, f.line) for f in report.failures] == [(f"{tmp_path}/six.jsonl line 3", 3), (f"{tmp_path}/six.csv line 4", 4)]
    assert report.failures[0].reason == "not UTF-8 text (byte 58 of the line); save the file as UTF-8"
    assert (await archive.search("topic6")).hits


async def test_ten_thousand_lines_with_one_bad_byte_in_the_middle_all_load_but_it(archive: Archive, tmp_path: Path) -> None:
    rows = [(json.dumps(article(n)) + "\n").encode() for n in range(1, 10_001)]
    rows[4_999] = rows[4_999].replace(b"Story", b"Caf\xe9")
    (tmp_path / "big.jsonl").write_bytes(b"".join(rows))
    report = await archive.load([str(tmp_path / "big.jsonl")])
    assert (report.new, report.failed, report.lines_read) == (9_999, 1, 10_000)
    assert report.failures[0].source.endswith("big.jsonl line 5000")


async def test_a_damaged_copy_of_a_loaded_file_loses_nothing_stored(archive: Archive, tmp_path: Path) -> None:
    write_jsonl(tmp_path / "good.jsonl", [article(n) for n in range(1, 7)])
    (tmp_path / "damaged.jsonl").write_bytes(b"".join(six_rows()))
    assert (await archive.load([str(tmp_path / "good.jsonl")])).new == 6
    again = await archive.load([str(tmp_path / "damaged.jsonl")])
    assert (again.new, again.unchanged, again.failed) == (0, 5, 1)
    assert "Story number 3" in await titles(archive)


async def test_files_in_other_encodings_are_decoded_when_sure_or_refused_whole(archive: Archive, tmp_path: Path) -> None:
    persian = article(1, title="بودجه", body="مجلس شورای اسلامی امروز لایحه بودجه سال آینده را تصویب کرد. " * 4)  # UTF-16 holds any
    (tmp_path / "utf16.jsonl").write_bytes(json.dumps(persian, ensure_ascii=False).encode("utf-16") + "\n".encode("utf-16-le"))
    german = [  # enough rows, with letters outside ASCII, for the encoding to be sure
        article(n, title=f"Bürgerentscheid {n}", body=GERMAN) for n in range(2, 6)
    ]
    lines = ["url;title;body"] + [f"{r['url']};{r['title']};{r['body']}" for r in german]
    (tmp_path / "excel.csv").write_bytes("\r\n".join(lines).encode("cp1252"))
    (tmp_path / "noise.jsonl").write_bytes(bytes(range(128, 256)) * 40)

    report = await archive.load([str(tmp_path / name) for name in ("utf16.jsonl", "excel.csv", "noise.jsonl")])

    assert (report.new, report.failed) == (5, 1)
    assert await titles(archive) == [f"Bürgerentscheid {n}" for n in range(2, 6)] + ["بودجه"]
    (refused,) = report.failures
    assert refused.source.endswith("noise.jsonl") and refused.line is None
    assert refused.reason.startswith("not UTF-8 text, and its encoding cannot be told for sure")


async def test_folders_load_gzipped_files_and_name_the_files_they_skip(archive: Archive, tmp_path: Path) -> None:
    only_gz = tmp_path / "gz"
    only_gz.mkdir()
    (only_gz / "three.jsonl.gz").write_bytes(gzip.compress(b"".join((json.dumps(article(n)) + "\n").encode() for n in (1, 2, 3))))
    (only_gz / "more.csv.gz").write_bytes(gzip.compress(b"url,body\nhttps://news.example.com/csv-1,Workers stopped the cranes in the harbour today.\n"))
    report = await archive.load([str(only_gz)])
    assert (report.new, report.failed, report.skipped) == (4, 0, [])

    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "a.jsonl").write_text(json.dumps(article(7)) + "\n")
    (mixed / "b.csv.gz").write_bytes(gzip.compress(b"url,body\nhttps://news.example.com/csv-2,Workers stopped the cranes in the harbour again.\n"))
    (mixed / "notes.txt").write_text("not articles")
    (mixed / "photo.jpg").write_bytes(b"\xff\xd8")
    report = await archive.load([str(mixed)])
    assert (report.new, report.failed) == (2, 0)
    assert report.skipped == [str(mixed / "notes.txt"), str(mixed / "photo.jpg")]


async def test_every_failure_reaches_the_failure_sink_beyond_the_kept_ones(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "empty-objects.jsonl"
    path.write_text("{}\n" * 1_500)
    seen = []
    report = await archive.load([str(path)], failures=seen.append)
    assert report.failed == len(seen) == 1_500 and len(report.failures) == MAX_FAILURES_KEPT
    assert (seen[-1].source, seen[-1].line, seen[-1].field) == (f"{path} line 1500", 1500, "url")
async def test_a_date_more_than_a_day_ahead_is_dropped_with_a_line_saying_so(archive: Archive, tmp_path: Path) -> None:
    """A typo (2062 for 2026) or a wrong time zone must not pin an article to the top of "latest" for years."""
    now = datetime.now(UTC)
    ahead = now + timedelta(days=400)
    soon = now + timedelta(hours=20)  # a newsroom east of UTC publishing "tomorrow" morning: kept
    path = write_jsonl(
        tmp_path / "dates.jsonl",
        [article(1, published=ahead.isoformat()), article(2, published=soon.isoformat()), article(3, published="2024-01-02")],
    )
    report = await archive.load([str(path)])
    assert (report.new, report.failed) == (3, 0)
    assert [(note.source, note.reason) for note in report.notes] == [
        ("https://news.example.com/story-1", f"dated {ahead:%Y-%m-%d}, more than a day ahead: stored without a date")
    ]
    latest = await archive.latest(3)
    assert [h.title for h in latest] == ["Story number 2", "Story number 3", "Story number 1"]
    assert latest[2].published is None and latest[0].published is not None
