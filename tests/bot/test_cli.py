"""The newsbot command line, run in-process on a temp working directory."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.render import terminal
from retrieval.models import Headline, SearchHit, SearchResult, Snippet
from retrieval.store.locks import ServingLock
from tests import feeds
from tests.conftest import article, write_jsonl
from tests.pages import Route, serve

ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_ask_works_with_no_setup_and_loads_demo_articles(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "Who accused Iran of producing weapons of mass destruction?")
    assert code == 0
    first = out.split("\n\n")[0]
    assert first.startswith("1. Many of Washington’s claims about Iran’s weapons of mass destruction")
    assert "https://news.example.com/articles/" in first
    assert "**Iran" in first
    assert Path("newsbot-data/newsbot.sqlite3").exists()


def test_load_latest_top_delete_stats(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [article(1, published="2026-01-01", views=999), article(2)])
    (tmp_path / "bad.jsonl").write_text('{"url": "https://x.org/"}\n')

    code, out, _ = run(capsys, "load", "-q", str(path), str(tmp_path / "bad.jsonl"))
    assert code == 1
    assert "Loaded: 2 new, 0 updated, 0 unchanged, 1 failed." in out
    assert "bad.jsonl line 1: field 'body': missing" in out

    code, out, _ = run(capsys, "latest", "-n", "1")
    assert code == 0 and out.startswith(" 1. Story number 1\n    2026-01-01")

    code, out, _ = run(capsys, "top", "-n", "1")
    assert "999 views" in out

    code, out, _ = run(capsys, "delete", "https://news.example.com/story-1")
    assert code == 0 and "Deleted article" in out and "Story number 1" in out

    code, out, _ = run(capsys, "stats")
    assert code == 0 and "Bot: not running" in out and re.search(r"Articles: +12\n", out) and "Last load:" in out

    code, out, err = run(capsys, "delete", "999999")
    assert code == 2 and "no article with id 999999" in err


def test_bad_setting_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBOT_SITE_URL", "nope")
    code, _, err = run(capsys, "latest")
    assert code == 2
    assert err.startswith("newsbot: invalid setting NEWSBOT_SITE_URL")


def test_bad_arguments_are_refused_by_argparse(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["latest", "-n", "0"])
    assert caught.value.code == 2
    assert "argument -n: give a whole number from 1 to 100, not '0'" in capsys.readouterr().err


def test_nothing_to_search(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "what", "is", "the")
    assert code == 0 and out.startswith("Nothing to search")


def test_backup_onto_the_live_database_is_one_line_and_harmless(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "stats")[0] == 0
    code, _, err = run(capsys, "backup", "newsbot-data")
    assert code == 2 and err.startswith("newsbot: newsbot-data/newsbot.sqlite3 is part of the live archive")
    assert run(capsys, "backup", "copy.sqlite3")[0] == 0
    code, _, err = run(capsys, "backup", "copy.sqlite3")
    assert code == 2 and "already exists: use --force" in err
    code, out, _ = run(capsys, "backup", "--force", "copy.sqlite3")
    assert code == 0 and out.startswith("Backed up 11 articles")


def test_output_cut_short_by_a_pipe_is_not_an_error(tmp_path: Path) -> None:
    command = f"{sys.executable} -m bot.cli ask -n 20 Iran MEK | head -c 10"
    env = {**os.environ, "NEWSBOT_DB_PATH": str(tmp_path / "db.sqlite3"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(["sh", "-c", command], capture_output=True, text=True, env=env, timeout=120)
    assert len(done.stdout) == 10
    assert done.stderr == ""


def test_stored_escape_sequences_never_reach_the_terminal() -> None:
    headline = Headline(1, "https://x.org/\x1b[31m", "Evil\x1b[2J\x07 title\u202e", None, 3)
    text = terminal.render_headlines([headline], show_views=True)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "Evil[2J title" in text
    hit = SearchHit(headline, 1.0, "p", Snippet("a\x1b[2J MEK b", ((6, 9),)))
    answer = terminal.render_answer(SearchResult("q", ("mek",), (hit,), 0, False), ("\033[1m", "\033[0m"))
    assert "a[2J \033[1mMEK\033[0m b" in answer and "\x1b[2J" not in answer


def test_an_empty_question_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", " ")
    assert code == 0 and out.startswith("Nothing to search: the question is empty.")


@pytest.mark.parametrize(
    ("where", "says"),
    [
        ("notdb.sqlite3", "not a usable newsbot database (file is not a database)"),
        ("folder", "is a folder: name the database file"),
        ("/proc/newsbot.sqlite3", "cannot keep the archive there"),
    ],
)
def test_a_database_path_that_cannot_be_used_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, says: str
) -> None:
    (tmp_path / "notdb.sqlite3").write_text("hello")
    (tmp_path / "folder").mkdir()
    env = {**os.environ, "NEWSBOT_DB_PATH": where, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "stats"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )
    assert done.returncode == 2
    assert done.stderr.strip() == done.stderr.strip().splitlines()[0]
    assert done.stderr.startswith(f"newsbot: NEWSBOT_DB_PATH={where}") and says in done.stderr
    assert (tmp_path / "notdb.sqlite3").read_text() == "hello"


def test_feeds_commands_from_add_to_remove(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSBOT_LOAD_SEEDS", "false")
    monkeypatch.setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "true")
    routes: dict[str, Route] = {}
    with serve(routes) as base:
        items = feeds.stories(3, start=datetime(2026, 11, 1, tzinfo=UTC))
        routes["/feed.xml"] = Route(body=feeds.rss2(base, items[:2]), content_type="application/rss+xml")
        code, out, err = run(capsys, "feeds", "add", base + "/feed.xml", "--every", "30m")
        assert code == 0, err
        assert "Added feed 1: Example News (feed), polled every 30m." in out
        assert "First poll: 2 items offered, 2 new, 0 updated" in out

        code, out, _ = run(capsys, "feeds", "check")
        assert code == 0 and out.strip() == "No feed is due."
        routes["/feed.xml"] = Route(body=feeds.rss2(base, items), content_type="application/rss+xml")
        code, out, _ = run(capsys, "feeds", "check", "--all")
        assert code == 0 and "1. Example News: 3 items offered, 1 new, 0 updated" in out

        code, out, _ = run(capsys, "feeds", "pause", "1")
        assert code == 0 and out.strip() == "Paused feed 1."
        code, out, _ = run(capsys, "feeds", "list")
        assert "paused (was paused by an admin)" in out and "3 articles added" in out

        routes["/feed.xml"] = Route(status=500)
        code, out, _ = run(capsys, "feeds", "check", "1")
        assert code == 1 and "failed: the server answered HTTP 500" in out
        code, out, _ = run(capsys, "feeds", "list")
        assert "✗ last error (1 in a row): the server answered HTTP 500" in out

        code, _, err = run(capsys, "feeds", "add", base + "/nothing-here")
        assert code == 2 and "the server answered HTTP 404" in err
        code, out, _ = run(capsys, "feeds", "remove", "1")
        assert code == 0 and "articles it brought stay" in out
        code, _, err = run(capsys, "feeds", "remove", "1")
        assert code == 2 and "no feed with id 1" in err
        code, out, _ = run(capsys, "stats")
        assert re.search(r"Articles: +3\n", out) and re.search(r"Feeds: +0\n", out)


def test_migrate_and_copy_store_to_another_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "migrate")
    assert code == 0 and re.fullmatch(r"The database is at schema version \d+\.\n", out)
    run(capsys, "load", "-q", str(write_jsonl(tmp_path / "a.jsonl", [article(1), article(2)])))

    code, out, _ = run(capsys, "copy-store", str(tmp_path / "copy.sqlite3"))
    assert code == 0, out
    # The demo articles too: migrating did not make the store look used.
    assert re.search(r"articles\s+13 →\s+13  ok", out) and out.endswith("every table holds the same number of rows.\n")
    code, out, _ = run(capsys, "copy-store", str(tmp_path / "copy.sqlite3"))  # again: nothing left to copy
    assert code == 0 and "MISMATCH" not in out

    code, _, err = run(capsys, "copy-store", "newsbot-data/newsbot.sqlite3")
    assert code == 2 and "the target is the archive itself" in err


def test_a_count_that_is_not_a_number_is_said_in_plain_words(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["latest", "-n", "abc"])
    err = capsys.readouterr().err
    assert "argument -n: give a whole number from 1 to 100, not 'abc'" in err and "_count" not in err


def test_top_of_a_week_without_opens_says_so_not_that_the_archive_is_empty(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "top", "--window", "week")
    assert code == 0
    assert out.strip() == "No article was opened in the last week. 'newsbot top' lists the most read of all time."
    code, out, _ = run(capsys, "top")
    assert code == 0 and out.startswith(" 1. ")


def test_questions_asked_on_the_command_line_are_not_counted_as_readers(capsys: pytest.CaptureFixture[str]) -> None:
    """The report counts what readers ask the bot; an editor's `newsbot ask` is not one of them."""
    for question in ("MEK camp Albania", "zzyzx quorble"):
        assert run(capsys, "ask", question)[0] == 0
    code, out, _ = run(capsys, "report", "--window", "month")
    assert code == 0
    assert "0 questions from 0 readers; 0 found nothing" in out and "zzyzx" not in out and "MEK camp" not in out


def test_a_long_question_that_matches_nothing_is_echoed_cut(capsys: pytest.CaptureFixture[str]) -> None:
    question = " ".join(f"zzqx{n}" for n in range(10_000))
    code, out, _ = run(capsys, "ask", question)
    assert code == 0 and out.startswith("No articles match 'zzqx0 zzqx1") and "…'" in out
    assert len(out) < 200


def test_files_that_hold_no_article_or_are_not_what_they_say_fail_in_plain_words(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "empty.jsonl").write_text("")
    (tmp_path / "bad.jsonl.gz").write_bytes(b"B\x81 not gzip at all")
    (tmp_path / "noise.html").write_bytes(bytes(range(256)) * 8)
    names = [str(tmp_path / name) for name in ("empty.jsonl", "bad.jsonl.gz", "noise.html")]
    code, out, err = run(capsys, "load", "-q", *names)
    assert code == 1 and "Loaded: 0 new, 0 updated, 0 unchanged, 3 failed." in out
    assert f"✗ {names[0]}: holds no articles\n" in out
    assert f"✗ {names[1]}: named .gz but not gzip-compressed: remove .gz from its name, or compress it\n" in out
    assert f"✗ {names[2]}: no article text found in the page (0 words)" in out  # the full path, as for every file
    assert "Not a gzipped file" not in out and "b'" not in out
    assert err == ""

    code, out, _ = run(capsys, "load", "-q", names[0])
    assert code == 1 and "holds no articles" in out


def test_loading_a_random_byte_page_prints_only_its_failure(tmp_path: Path) -> None:
    """No library's own log lines on the command line, and nothing left open (ResourceWarning as an error).

    Not under ``-X dev``: its asyncio debug mode logs any step slower than
    0.1 s, which a busy CI machine makes happen now and then.
    """
    (tmp_path / "noise.html").write_bytes(bytes(range(256)) * 8)
    env = {**os.environ, "NEWSBOT_DB_PATH": str(tmp_path / "db.sqlite3"), "NEWSBOT_LOAD_SEEDS": "false", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-W", "error::ResourceWarning", "-m", "bot.cli", "load", "-q", "noise.html"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == "  ✗ noise.html: no article text found in the page (0 words)"
    assert done.stderr == ""


def test_backup_and_restore_say_which_archive_and_restore_asks_before_replacing_articles(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, "stats")[0] == 0  # a new archive, with the demo articles
    live = Path("newsbot-data/newsbot.sqlite3").resolve()
    code, out, _ = run(capsys, "backup", str(tmp_path / "b.sqlite3"))
    assert code == 0 and out.startswith(f"Backed up 11 articles of {live} to {tmp_path / 'b.sqlite3'}")

    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    code, out, err = run(capsys, "restore", str(tmp_path / "b.sqlite3"))
    assert code == 2
    assert out == f"Restoring {tmp_path / 'b.sqlite3'} (11 articles) into {live}, which holds 11 articles now.\n"
    assert "Replace the 11 articles there? Run it again with --yes to confirm" in err

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    code, out, err = run(capsys, "restore", str(tmp_path / "b.sqlite3"))
    assert code == 1 and err == "Nothing was changed.\n"
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    code, out, _ = run(capsys, "restore", str(tmp_path / "b.sqlite3"))
    assert code == 0 and out.endswith(f"Restored 11 articles into {live}; the search index is rebuilt when the bot next starts.\n")

    elsewhere = tmp_path / "new" / "archive.sqlite3"
    monkeypatch.setenv("NEWSBOT_DB_PATH", str(elsewhere))
    code, out, _ = run(capsys, "restore", str(tmp_path / "b.sqlite3"))  # a new archive: nothing to replace, no question
    assert code == 0 and f"into {elsewhere}, a new archive." in out and elsewhere.exists()
    # Backed up, read and restored three times, the backup is still one file: no -wal, no -shm beside it.
    assert [path.name for path in tmp_path.glob("b.sqlite3*")] == ["b.sqlite3"]


def test_env_file_names_the_archive_wherever_the_command_is_typed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = tmp_path / "etc" / "newsbot.env"
    settings.parent.mkdir()
    settings.write_text(f"NEWSBOT_DB_PATH={tmp_path / 'state' / 'newsbot.sqlite3'}\nNEWSBOT_LOAD_SEEDS=false\n")
    monkeypatch.chdir(tmp_path / "etc")
    code, out, _ = run(capsys, "--env-file", str(settings), "stats")
    assert code == 0 and re.search(r"Articles: +0\n", out)
    assert (tmp_path / "state" / "newsbot.sqlite3").exists() and not (tmp_path / "etc" / "newsbot-data").exists()
    code, _, err = run(capsys, "--env-file", str(tmp_path / "missing.env"), "stats")
    assert code == 2 and err == f"newsbot: cannot read --env-file {tmp_path / 'missing.env'}: No such file or directory\n"


def test_index_export_then_import_on_another_replica_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSBOT_LOAD_SEEDS", "false")
    run(capsys, "load", "-q", str(write_jsonl(tmp_path / "a.jsonl", [article(n) for n in range(8)])))
    code, out, _ = run(capsys, "index", "export", str(tmp_path / "snapshots"))
    assert code == 0 and "Wrote a snapshot of the search index to" in out and "index-000000000008" in out
    code, out, _ = run(capsys, "index", "export", str(tmp_path / "snapshots"))
    assert code == 0 and "already holds every change" in out
    code, _, err = run(capsys, "index", "export")
    assert code == 2 and "NEWSBOT_INDEX_SNAPSHOT_PATH" in err

    run(capsys, "load", "-q", str(write_jsonl(tmp_path / "b.jsonl", [article(n) for n in range(8, 11)])))
    monkeypatch.setenv("NEWSBOT_INDEX_PATH", str(tmp_path / "other-index"))
    code, out, _ = run(capsys, "index", "import", str(tmp_path / "snapshots"))
    assert code == 0 and "is now a copy of" in out and "(to change 8)" in out
    code, out, _ = run(capsys, "ask", "topic9")
    assert code == 0 and out.startswith("1. Story number 9\n")  # loaded after the snapshot

    code, _, err = run(capsys, "index", "import", str(tmp_path / "nowhere"))
    assert code == 2 and "holds no snapshot of the search index" in err
    with ServingLock(Path("newsbot-data/newsbot.sqlite3")):
        code, _, err = run(capsys, "index", "import", str(tmp_path / "snapshots"))
    assert code == 2 and "already serving" in err


def test_a_bad_byte_fails_one_line_and_the_summary_says_how_many_lines_were_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rows = [(json.dumps(article(n)) + "\n").encode() for n in range(1, 7)]
    rows[2] = rows[2].replace(b"Story", b"Caf\xe9")
    (tmp_path / "six.jsonl").write_bytes(b"".join(rows))
    code, out, _ = run(capsys, "load", "-q", str(tmp_path / "six.jsonl"))
    assert code == 1
    assert out.splitlines() == [
        "Loaded: 5 new, 0 updated, 0 unchanged, 1 failed.",
        "Read 6 lines.",
        f"  ✗ {tmp_path}/six.jsonl line 3: not UTF-8 text (byte 58 of the line); save the file as UTF-8",
    ]


def test_every_failure_can_be_written_to_a_csv_file_or_standard_output(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(article(1)) + "\n" + '{"url": "=HYPERLINK(1)"}\n' * 140 + "{oops\n")
    code, out, _ = run(capsys, "load", "-q", "bad.jsonl", "--failures", str(tmp_path / "failures.csv"))
    assert code == 1
    lines = out.splitlines()
    assert lines[:2] == ["Loaded: 1 new, 0 updated, 0 unchanged, 141 failed.", "Read 142 lines."]
    assert lines[-1] == f"  … and 91 more failures: all 141 are in {tmp_path / 'failures.csv'}"
    with (tmp_path / "failures.csv").open(newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["source", "line", "field", "reason"] and len(table) == 142
    assert table[1] == ["bad.jsonl", "2", "url", "not an absolute http(s) URL: '=HYPERLINK(1)'"]
    assert table[-1] == ["bad.jsonl", "142", "", "not valid JSON: Expecting property name enclosed in double quotes at column 2"]

    code, out, err = run(capsys, "load", "-q", "bad.jsonl", "--failures", "-")
    table = list(csv.reader(io.StringIO(out)))
    assert code == 1 and len(table) == 142 and table[-1][:2] == ["bad.jsonl", "142"]
    assert err.splitlines()[0] == "Loaded: 0 new, 0 updated, 1 unchanged, 141 failed."


def test_without_failures_file_the_cut_list_says_how_to_get_it_all(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl").write_text("{}\n" * 60)
    code, out, _ = run(capsys, "load", "-q", "bad.jsonl")
    assert out.splitlines()[-1] == "  … and 10 more failures: 'newsbot load --failures FILE …' writes them all"


def test_a_folder_of_gzipped_files_loads_and_unknown_files_are_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "three.jsonl.gz").write_bytes(gzip.compress(b"".join((json.dumps(article(n)) + "\n").encode() for n in (1, 2, 3))))
    (folder / "more.csv.gz").write_bytes(gzip.compress(b"url,body\nhttps://news.example.com/c,Dock workers stopped the cranes today.\n"))
    code, out, _ = run(capsys, "load", "-q", "in")
    assert code == 0 and out.splitlines() == ["Loaded: 4 new, 0 updated, 0 unchanged, 0 failed.", "Read 5 lines in 2 files."]

    (folder / "notes.txt").write_text("not articles")
    (folder / "four.jsonl").write_text(json.dumps(article(4)) + "\n")
    code, out, _ = run(capsys, "load", "-q", "in")
    assert code == 0 and out.splitlines() == [
        "Loaded: 1 new, 0 updated, 4 unchanged, 0 failed.",
        "Read 6 lines in 3 files.",
        "Skipped 1 file of a type a load does not read (.jsonl, .json, .csv, each may be .gz, .html, .zip):",
        "  – in/notes.txt",
    ]


def test_a_semicolon_csv_without_titles_loads(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_bytes(
        "url;body\r\nhttps://news.example.com/eu;Die Bürger wählten gestern einen neuen Bürgermeister der Stadt.\r\n".encode("utf-8-sig")
    )
    code, out, _ = run(capsys, "load", "-q", "export.csv")
    assert code == 0 and out.startswith("Loaded: 1 new, 0 updated, 0 unchanged, 0 failed.")
    code, out, _ = run(capsys, "latest", "-n", "1")
    assert "Die Bürger wählten gestern einen neuen Bürgermeister der Stadt." in out
def test_a_feed_that_fails_to_add_is_one_line_on_the_command_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSBOT_LOAD_SEEDS", "false")
    monkeypatch.setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "true")
    with serve({}) as base:
        code, out, err = run(capsys, "feeds", "add", base + "/nothing-here")
        assert code == 2 and out == ""
        assert err == f"newsbot: {base}/nothing-here: the server answered HTTP 404\n"
        code, _, err = run(capsys, "feeds", "check", "--all")  # nothing was kept of the failed feed
        assert code == 0 and err == ""
        # Asked for details, the command line shows the poller's log line, as the running bot logs it.
        code, _, err = run(capsys, "-v", "feeds", "add", base + "/nothing-here")
        assert code == 2 and "WARNING retrieval.feeds.poller: feed 2 failed (1 in a row): the server answered HTTP 404" in err


def test_an_interval_too_long_is_called_too_long_not_unreadable(capsys: pytest.CaptureFixture[str]) -> None:
    for every, said in (
        ("99999999999999d", "argument --every: “99999999999999d” is too long: the longest interval is 1d"),
        ("2d", "argument --every: “2d” is too long: the longest interval is 1d"),
        ("1m", "argument --every: “1m” is too short: the shortest interval is 5m"),
        ("soon", "argument --every: “soon” is not an interval: write it like 15m, 2h or 1d"),
    ):
        with pytest.raises(SystemExit):
            main(["feeds", "add", "https://example.com/feed.xml", "--every", every])
        assert said in capsys.readouterr().err


def test_version_is_the_installed_packages(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out == f"newsbot {version('newsbot')}\n"


def test_ids_no_store_can_hold_are_not_found_not_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSBOT_LOAD_SEEDS", "false")
    for typed in ("99999999999999999999999", "9223372036854775808", "0"):
        code, out, err = run(capsys, "delete", typed)
        assert (code, out, err) == (2, "", f"newsbot: no article with id {typed}\n")
    code, _, err = run(capsys, "delete", "--", "-5")
    assert (code, err) == (2, "newsbot: no article with id -5\n")
    code, _, err = run(capsys, "delete", "²")  # a digit to str.isdigit, not to int()
    assert (code, err) == (2, "newsbot: no article with id or URL '²'\n")
    for action in ("pause", "resume", "remove", "check"):
        code, out, err = run(capsys, "feeds", action, "99999999999999999999999")
        assert (code, out, err) == (2, "", "newsbot: no feed with id 99999999999999999999999\n")
    with pytest.raises(SystemExit):
        main(["feeds", "pause", "²"])
    assert "argument id: a feed's number, as 'newsbot feeds list' shows it" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["latest", "-n", "²"])
    assert "argument -n: give a whole number from 1 to 100, not '²'" in capsys.readouterr().err


def test_the_demo_set_leaves_the_top_and_goes_in_one_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rows = [article(n, published=f"2026-11-{n:02d}") for n in range(1, 9)]
    code, _, _ = run(capsys, "load", "-q", str(write_jsonl(tmp_path / "mine.jsonl", rows)))
    assert code == 0
    code, out, _ = run(capsys, "latest", "-n", "9")
    listed = re.findall(r"^ *\d+\. (.+)$", out, flags=re.M)
    assert listed[:8] == [f"Story number {n}" for n in range(8, 0, -1)]  # the undated demo articles come after
    assert listed[8].startswith("Many of Washington’s claims")

    code, out, _ = run(capsys, "delete", "demo")
    assert code == 0 and out.startswith("Deleted the 11 demo articles; your own are untouched.\n")
    code, out, _ = run(capsys, "stats")
    assert re.search(r"Articles: +8\n", out)
    code, out, _ = run(capsys, "delete", "demo")
    assert code == 0 and out == "No demo articles here: deleted already, or never loaded.\n"


def test_a_date_far_ahead_is_stored_without_it_and_said(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    ahead = datetime.now(UTC).replace(year=datetime.now(UTC).year + 36)
    path = write_jsonl(tmp_path / "typo.jsonl", [article(1, published=ahead.isoformat())])
    code, out, _ = run(capsys, "load", "-q", str(path))
    assert code == 0
    assert out == (
        "Loaded: 1 new, 0 updated, 0 unchanged, 0 failed.\n"
        "Read 1 line.\n"
        f"  ⚠ https://news.example.com/story-1: dated {ahead:%Y-%m-%d}, more than a day ahead: stored without a date\n"
    )
    code, out, _ = run(capsys, "latest", "-n", "1")
    assert out.startswith(" 1. Story number 1\n    undated · ")  # the newest undated, not dated 2062
