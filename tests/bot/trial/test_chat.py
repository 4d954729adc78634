"""`newsbot try` end to end: the real bot against the local Bot API, driven by lines on standard input.

Each test runs the command as a user would (``bot.cli.main``) with a script
of lines for standard input, and reads the chat from standard output.
Every connection made on the way is watched: the chat must never reach
beyond 127.0.0.1, and must leave a real archive as it found it.
"""

from __future__ import annotations

import io
import ipaddress
import socket
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.i18n import languages
from bot.trial.botapi import Call, LocalBotApi
from bot.trial.chat import TerminalChat, start_payload
from bot.trial.screen import PLAIN
from tests import feeds
from tests.conftest import article, write_jsonl
from tests.pages import Route

QUESTION = "Who accused Iran of producing weapons of mass destruction?"


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every address a socket connects to while the test runs; any beyond loopback is refused."""
    seen: list[str] = []
    connect = socket.socket.connect

    def watched(sock: socket.socket, address: object) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = str(address[0])  # type: ignore[index]
            seen.append(host)
            if not ipaddress.ip_address(host).is_loopback:
                raise OSError(f"the test allows loopback only, not {host}")
        connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", watched)
    yield seen


def chat(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lines: list[str], *options: str) -> str:
    """Run `newsbot try OPTIONS` with ``lines`` typed in; returns what it showed (it must end well)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(line + "\n" for line in lines)))
    code = main(["try", *options])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


# The number of Persian's button under /language: the languages stand in the order of their codes.
PERSIAN = str(languages().index("fa") + 1)


def after(transcript: str, line: str) -> str:
    """What the chat showed after the person typed ``line`` (up to their next line)."""
    rest = transcript.split(f"you › {line}\n", 1)[1]
    return rest.split("you › ", 1)[0]


def test_a_reader_tries_the_bot_on_the_demo_articles_without_telegram(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], connections: list[str], tmp_path: Path
) -> None:
    transcript = chat(
        monkeypatch, capsys,
        [QUESTION, "4", "1", "/latest", "/language", PERSIAN, "/top", "/stats", "99", "/quit", "never read"],
    )  # fmt: skip
    assert "Archive: a new one with the 11 demo articles" in transcript and "(deleted when you leave)" in transcript
    assert "👋 I answer questions from this site's news archive." in after(transcript, "/start")

    answer = after(transcript, QUESTION)
    assert answer.startswith("── bot · message ")
    assert "1. **Many of Washington’s claims about Iran’s weapons of mass destruction" in answer
    assert "(https://news.example.com/articles/many-of-washingtons-claims" in answer  # the headline's link, spelled out
    assert "│ In May 2003, the US **accused** **Iran** of **producing** WMD" in answer  # the quote, matches in bold
    assert "[1] Read 1   [2] Read 2   [3] Read 3\n[4] More ›\n[5] 🔔 Follow this topic   [6] 👍   [7] 👎" in answer

    more = after(transcript, "4")
    assert more.startswith("(you pressed [4] More ›)\n── bot · message ") and ", edited\n4. **" in more
    assert "[1] Read 4" in more and "‹ Back" in more
    assert "(you pressed [1] Read 4)" in after(transcript, "1") and "Read the full article on the site ›" in after(transcript, "1")
    assert "**Latest articles**\n1. " in after(transcript, "/latest")
    menu = after(transcript, "/language")
    assert "✓ English" in menu and f"[{PERSIAN}] فارسی" in menu
    chosen = after(transcript.split("you › /language\n", 1)[1], PERSIAN)
    assert "── bot · notice: از این پس فارسی می‌نویسم." in chosen  # the button's answer, then the message
    assert "**پربازدیدترین‌ها**\n۱. " in after(transcript, "/top")  # from now on in Persian
    assert "فقط دبیران سایت می‌توانند" in after(transcript, "/stats")  # a reader is no admin
    assert "(no button 99 under the bot's last message with buttons)" in after(transcript, "99")
    assert "never read" not in transcript  # /quit left the chat

    assert connections and set(connections) <= {"127.0.0.1"}  # the bot talked to the stand-in, and only to it
    assert not (tmp_path / "newsbot-data").exists()  # the configured archive was never opened


def test_an_admin_in_persian_sees_the_figures_and_loads_a_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], connections: list[str], tmp_path: Path
) -> None:
    upload = write_jsonl(tmp_path / "cranes.jsonl", [article(1, title="Harbour cranes arrive",
                                                             body="Three new harbour cranes arrived in the port.")])  # fmt: skip
    transcript = chat(
        monkeypatch, capsys,
        ["/stats", f"/file {upload}", "harbour cranes", "/file", f"/file {tmp_path / 'missing.csv'}"],
        "--admin", "--language", "fa",
    )  # fmt: skip
    assert "You: an admin" in transcript
    assert "مطالب: ۱۱" in after(transcript, "/stats")  # the admin's figures, in Persian digits
    loaded = after(transcript, f"/file {upload}")
    assert loaded.startswith("(you sent the file cranes.jsonl, ") and "۱ تازه" in loaded
    assert "**Harbour cranes arrive** (https://news.example.com/story-1)" in after(transcript, "harbour cranes")
    assert "(say which file: /file PATH)" in after(transcript, "/file")
    assert "(cannot read " in after(transcript, f"/file {tmp_path / 'missing.csv'}")
    assert transcript.endswith("you › \n")  # the end of input leaves, on a line of its own
    assert set(connections) <= {"127.0.0.1"}


def test_archive_answers_from_a_copy_and_leaves_the_archive_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    connections: list[str],
    site: tuple[str, dict[str, Route]],
    tmp_path: Path,
) -> None:
    base, routes = site
    stories = feeds.stories(2, start=datetime(2026, 3, 1, tzinfo=UTC))
    feeds.site(routes, base, stories)
    routes["/feed.xml"] = Route(body=feeds.rss2(base, stories), content_type="application/rss+xml")
    monkeypatch.setenv("NEWSBOT_LOAD_SEEDS", "false")
    monkeypatch.setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "true")
    rows = [article(1, title="Harbour cranes arrive", body="Three new harbour cranes arrived in the port.")]
    assert main(["load", "-q", str(write_jsonl(tmp_path / "mine.jsonl", rows))]) == 0
    assert main(["feeds", "add", f"{base}/feed.xml"]) == 0
    archive = tmp_path / "newsbot-data" / "newsbot.sqlite3"
    before = archive.read_bytes()
    capsys.readouterr()

    transcript = chat(monkeypatch, capsys, ["harbour cranes", "1", "/feeds"], "--archive", "--admin")
    assert "a copy of " + str(archive.resolve()) + " (3 articles)" in transcript
    assert "; 1 feed paused in the copy, so nothing is fetched" in transcript
    assert "**Harbour cranes arrive** (https://news.example.com/story-1)" in after(transcript, "harbour cranes")
    assert "paused" in after(transcript, "/feeds").lower()

    assert archive.read_bytes() == before  # only read: no question, open, view or pause reached it
    code = main(["insights"])
    assert code == 0 and "0 questions from 0 readers" in capsys.readouterr().out
    assert main(["feeds", "list"]) == 0 and "paused" not in capsys.readouterr().out.lower()


def test_archive_copies_a_postgresql_archive_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], postgres_url: str, tmp_path: Path
) -> None:
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", postgres_url)
    monkeypatch.setenv("NEWSBOT_LOAD_SEEDS", "false")
    rows = [article(1, title="Harbour cranes arrive", body="Three new harbour cranes arrived in the port.")]
    assert main(["load", "-q", str(write_jsonl(tmp_path / "mine.jsonl", rows))]) == 0
    capsys.readouterr()
    transcript = chat(monkeypatch, capsys, ["harbour cranes", "1"], "--archive")
    assert "Archive: a copy of PostgreSQL at 127.0.0.1:" in transcript and "(1 article) in " in transcript
    assert "**Harbour cranes arrive** (https://news.example.com/story-1)" in after(transcript, "harbour cranes")
    assert main(["top"]) == 0 and "0 views" in capsys.readouterr().out  # the Read press counted in the copy only


def test_archive_without_an_archive_says_so_and_creates_none(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["try", "--archive"]) == 2
    assert "newsbot: --archive: there is no archive at newsbot-data/newsbot.sqlite3 yet" in capsys.readouterr().err
    assert not (tmp_path / "newsbot-data").exists()


def test_a_picture_is_saved_for_the_person_to_open_and_new_buttons_alone_are_shown_again(tmp_path: Path) -> None:
    """What the chat does with a picture (the weekly report's chart) and a 👍 that changes only the buttons."""
    api = LocalBotApi()
    shown: list[str] = []
    chat = TerminalChat(api, shown.append, tmp_path, PLAIN, user_id=5)
    api.photos[(5, 8)] = b"\x89PNG picture"
    markup = {"inline_keyboard": [[{"text": "Details ›", "callback_data": "p|1"}]]}
    caption = {"chat_id": 5, "caption": "📊 <b>Weekly report</b>", "parse_mode": "HTML", "reply_markup": markup}
    chat.show(Call("sendPhoto", caption, 200, {"message_id": 8}))
    assert (tmp_path / "picture-8.png").read_bytes() == b"\x89PNG picture"
    assert shown[-1] == f"── bot · message 8, a picture: {tmp_path / 'picture-8.png'}\n📊 **Weekly report**\n[1] Details ›\n"
    thumbs = {"inline_keyboard": [[{"text": "👍 1", "callback_data": "l|1"}, {"text": "👎", "callback_data": "l|2"}]]}
    chat.show(Call("editMessageReplyMarkup", {"chat_id": 5, "message_id": 8, "reply_markup": thumbs}, 200, {"message_id": 8}))
    assert shown[-1] == "── bot · message 8, its buttons changed\n[1] 👍 1   [2] 👎\n"
    chat.show(Call("sendMessage", {"chat_id": 5, "text": "<b>x", "parse_mode": "HTML"}, 400, description="Bad Request: x"))
    assert shown[-1] == "── Telegram would refuse this sendMessage: Bad Request: x\n"
    chat.show(Call("sendMessage", {"chat_id": 6, "text": "another chat's"}, 200, {"message_id": 9}))
    assert len(shown) == 3  # not this chat's: not shown


def test_a_link_to_the_bot_itself_opens_it_with_its_start_payload() -> None:
    assert start_payload("https://t.me/newsbot_local_bot?start=a_42", "newsbot_local_bot") == "a_42"
    assert start_payload("https://t.me/Newsbot_Local_Bot", "newsbot_local_bot") == ""
    assert start_payload("https://t.me/other_bot?start=a_42", "newsbot_local_bot") is None
    assert start_payload("https://news.example.com/a", "newsbot_local_bot") is None
