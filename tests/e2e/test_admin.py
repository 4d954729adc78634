"""Admins over real HTTP: loading URLs and files, delete, stats, reindex; strangers refused."""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from bot.services import BotServices
from bot.trial.telegram_html import parse_html
from tests.botapi import FakeBotApi
from tests.conftest import article
from tests.e2e.conftest import ADMIN_ID, READER_ID
from tests.e2e.test_reader import ask
from tests.pages import PARAGRAPHS, Route, article_page, serve


def jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


async def final_edit(api: FakeBotApi, mark: int, prefix: str) -> str:
    call = await api.wait_for(
        lambda c: c.method == "editMessageText" and c.status == 200 and parse_html(c.params["text"]).startswith(prefix),
        after=mark,
    )
    return parse_html(call.params["text"])


async def test_admin_uploads_jsonl_and_the_next_question_finds_it(api: FakeBotApi, bot: BotServices) -> None:
    records = [article(1, title="Harbour cranes idle", body="Dock workers in Rotterdam stopped the harbour cranes.")]
    records.append({"url": "https://news.example.com/bad", "title": "No body"})
    mark = api.mark()
    await api.send_document(jsonl(records), "upload.jsonl", user_id=ADMIN_ID)
    summary = await final_edit(api, mark, "Loaded upload.jsonl")
    assert "1 new · 0 updated · 0 unchanged · 1 failed" in summary
    assert "upload.jsonl, line 2: field 'body': missing" in summary

    reply = await ask(api, "Rotterdam harbour cranes")
    assert "Harbour cranes idle" in parse_html(reply.text).split("\n")[0]


async def test_admin_uploads_a_gzipped_file_with_a_headline_less_article(api: FakeBotApi, bot: BotServices) -> None:
    records = [article(1, title="", body="Dock workers in Rotterdam stopped the harbour cranes on Monday.")]
    mark = api.mark()
    await api.send_document(gzip.compress(jsonl(records)), "export.jsonl.gz", user_id=ADMIN_ID)
    summary = await final_edit(api, mark, "Loaded export.jsonl.gz")
    assert "1 new · 0 updated · 0 unchanged · 0 failed" in summary
    reply = await ask(api, "Rotterdam harbour cranes")
    assert "Dock workers in Rotterdam stopped the harbour cranes on Monday." in parse_html(reply.text).split("\n")[0]


async def test_big_upload_shows_progress_in_one_status_message(
    api: FakeBotApi, bot: BotServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.admin.load.PROGRESS_EVERY_SECONDS", 0.0)
    records = [article(n) for n in range(1, 1201)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("stories.jsonl", jsonl(records))
    mark = api.mark()
    await api.send_document(buffer.getvalue(), "stories.zip", user_id=ADMIN_ID)
    summary = await final_edit(api, mark, "Loaded stories.zip")
    assert "1,200 new" in summary
    edits = [c for c in api.calls[mark:] if c.method == "editMessageText" and c.status == 200]
    assert len({c.params["message_id"] for c in edits}) == 1
    assert any(parse_html(c.params["text"]).startswith("Read 200 rows of stories.zip · articles: 200, failed: 0") for c in edits)
    assert (await bot.archive.stats()).store.articles == 11 + 1200


async def test_uploads_of_the_wrong_kind_or_size_are_refused(api: FakeBotApi, bot: BotServices) -> None:
    mark = api.mark()
    await api.send_document(b"hello", "notes.txt", user_id=ADMIN_ID)
    assert "I can load .jsonl" in (await api.next_call("sendMessage", after=mark)).params["text"]
    mark = api.mark()
    await api.send_document(b"x" * 300_000, "huge.jsonl", user_id=ADMIN_ID)
    assert "the limit is" in (await api.next_call("sendMessage", after=mark)).params["text"]
    mark = api.mark()
    await api.send_document(b"\x00\xff not json", "broken.json", user_id=ADMIN_ID)
    summary = await final_edit(api, mark, "Loaded broken.json")
    assert "0 new" in summary and "broken.json" in summary


async def test_load_urls_reports_each(api: FakeBotApi, bot: BotServices) -> None:
    bot.archive.fetcher.allow_private = True
    routes = {"/a": Route(body=article_page("Albania asks Europe for help", PARAGRAPHS).encode())}
    with serve(routes) as base:
        mark = api.mark()
        await api.send_text(f"/load {base}/a {base}/missing not-a-url", user_id=ADMIN_ID)
        result = await final_edit(api, mark, "✓")
    lines = result.split("\n")
    assert lines[0] == f"✓ new: {base}/a"
    assert lines[1].startswith(f"✗ {base}/missing: the server answered HTTP 404")
    assert lines[2] == "✗ not-a-url: not an http(s) address"
    assert "Albania asks Europe" in parse_html((await ask(api, "Tirana camp")).text)


async def test_delete_stats_reindex(api: FakeBotApi, bot: BotServices) -> None:
    (newest,) = await bot.archive.latest(1)
    reply = await ask(api, f"/delete {newest.url}", user_id=ADMIN_ID)
    assert reply.text.startswith("Deleted: ")
    assert "No article" in (await ask(api, f"/delete {newest.id}", user_id=ADMIN_ID)).text
    await ask(api, "MEK Albania")
    await ask(api, "zebra crossings in Oslo")
    stats = parse_html((await ask(api, "/stats", user_id=ADMIN_ID)).text)
    assert "Articles: 10" in stats
    assert "Questions answered: 2 (1 found nothing)" in stats and "Search time: p50" in stats
    mark = api.mark()
    await api.send_text("/reindex", user_id=ADMIN_ID)
    assert "rebuilt: 10 passages" in await final_edit(api, mark, "Search index")
    assert "/load" in (await ask(api, "/help", user_id=ADMIN_ID)).text


async def test_the_newsrooms_dated_articles_top_latest_and_the_demo_set_goes_with_one_command(
    api: FakeBotApi, bot: BotServices
) -> None:
    rows = [article(n, title=f"Harbour report {n}", published=f"2026-11-{n:02d}") for n in range(1, 9)]
    mark = api.mark()
    await api.send_document(jsonl(rows), "mine.jsonl", user_id=ADMIN_ID)
    await final_edit(api, mark, "Loaded mine.jsonl")
    latest = parse_html((await ask(api, "/latest 10")).text)
    order = [line for line in latest.splitlines() if line[:2].strip().rstrip(".").isdigit()]
    assert [line.split(". ", 1)[1].split(" · ")[0] for line in order[:8]] == [f"Harbour report {n}" for n in range(8, 0, -1)]

    assert "/delete demo" in parse_html((await ask(api, "/help", user_id=ADMIN_ID)).text)
    reply = await ask(api, "/delete demo", user_id=ADMIN_ID)
    assert parse_html(reply.text) == "🗑 Demo articles deleted: 11. Your own articles are untouched."
    assert (await bot.archive.stats()).store.articles == 8
    reply = await ask(api, "/delete demo", user_id=ADMIN_ID)
    assert parse_html(reply.text) == "There are no demo articles here: they were deleted already, or never loaded."
    await bot.archive.set_language(ADMIN_ID, "fa")
    assert parse_html((await ask(api, "/delete demo", user_id=ADMIN_ID)).text).startswith("اینجا مطلب نمونه‌ای نیست")


async def test_an_upload_says_which_dates_were_too_far_ahead_to_keep(api: FakeBotApi, bot: BotServices) -> None:
    ahead = datetime.now(UTC) + timedelta(days=3)
    mark = api.mark()
    await api.send_document(jsonl([article(1, published=ahead.isoformat()), article(2)]), "typo.jsonl", user_id=ADMIN_ID)
    summary = await final_edit(api, mark, "Loaded typo.jsonl")
    assert "2 new · 0 updated · 0 unchanged · 0 failed" in summary
    assert f"⚠ https://news.example.com/story-1: dated {ahead:%Y-%m-%d}, more than a day ahead: stored without a date" in summary
    stored = await bot.archive.article(await bot.archive.resolve("https://news.example.com/story-1"))
    assert stored.published is None


async def test_strangers_cannot_use_admin_commands(
    api: FakeBotApi, bot: BotServices, caplog: pytest.LogCaptureFixture
) -> None:
    before = await bot.archive.stats()
    with caplog.at_level(logging.WARNING):
        for command in ["/load https://example.org/x", "/delete 1", "/stats", "/reindex"]:
            reply = await ask(api, command, user_id=READER_ID)
            assert "only the site's editors" in reply.text
        mark = api.mark()
        await api.send_document(jsonl([article(1)]), "sneaky.jsonl", user_id=READER_ID)
        assert "only the site's editors" in (await api.next_call("sendMessage", after=mark)).params["text"]
    after = await bot.archive.stats()
    assert (after.store.articles, after.store.last_load) == (before.store.articles, before.store.last_load)
    refusals = [r.getMessage() for r in caplog.records if "non-admin" in r.getMessage()]
    assert len(refusals) == 5 and all(str(READER_ID) in line for line in refusals)
    assert not any(c.method == "getFile" for c in api.calls)


async def test_a_long_failure_list_comes_as_a_csv_document_too(api: FakeBotApi, bot: BotServices) -> None:
    rows = [article(1)] + [{"url": f"https://news.example.com/no-body-{n}", "title": "No body"} for n in range(2, 402)]
    mark = api.mark()
    await api.send_document(jsonl(rows), "export.jsonl", user_id=ADMIN_ID)
    summary = await final_edit(api, mark, "Loaded export.jsonl")
    assert "1 new · 0 updated · 0 unchanged · 400 failed" in summary and "Lines read: 401" in summary
    listed = summary.count("✗ export.jsonl, line")
    assert 10 < listed < 400 and summary.endswith(f"… and {400 - listed} more: every one is in the file below.")

    sent = await api.next_call("sendDocument", chat_id=ADMIN_ID, after=mark)
    document = api.documents[(ADMIN_ID, sent.result["message_id"])]
    assert document.name == "export.jsonl-failures.csv"
    assert parse_html(sent.params["caption"]) == "All 400 rejected rows of export.jsonl: source, line, field and reason."
    table = list(csv.reader(io.StringIO(document.content.decode("utf-8"))))
    assert table[0] == ["source", "line", "field", "reason"] and len(table) == 401
    assert table[1] == ["export.jsonl", "2", "body", "missing"] and table[-1][:2] == ["export.jsonl", "401"]


async def test_a_short_failure_list_sends_no_document(api: FakeBotApi, bot: BotServices) -> None:
    rows = [article(1), {"url": "https://news.example.com/x", "title": "No body"}]
    mark = api.mark()
    await api.send_document(jsonl(rows), "small.jsonl", user_id=ADMIN_ID)
    await final_edit(api, mark, "Loaded small.jsonl")
    await ask(api, "topic1")
    assert not [c for c in api.calls[mark:] if c.method == "sendDocument"]


async def test_progress_counts_rows_read_and_articles_apart(
    api: FakeBotApi, bot: BotServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.admin.load.PROGRESS_EVERY_SECONDS", 0.0)
    monkeypatch.setattr("retrieval.ingest.loader.BATCH_SIZE", 2)
    lines = jsonl([article(1), article(2)]) + b"{bad\n" + jsonl([article(3)])
    mark = api.mark()
    await api.send_document(lines, "four.jsonl", user_id=ADMIN_ID)
    summary = await final_edit(api, mark, "Loaded four.jsonl")
    assert "3 new · 0 updated · 0 unchanged · 1 failed" in summary
    progress = [parse_html(c.params["text"]) for c in api.calls[mark:] if c.method == "editMessageText" and c.status == 200]
    assert "Read 4 / 4 rows of four.jsonl · articles: 3, failed: 1 …" in progress
