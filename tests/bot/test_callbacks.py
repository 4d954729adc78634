import pytest

from bot import callbacks
from bot.admin.load import safe_file_name
from bot.arguments import UsageError, parse_count_and_window, parse_feed_command
from bot.settings import BotSettings
from retrieval import SettingsError, TopWindow, load_settings


@pytest.mark.parametrize(
    "action",
    [
        callbacks.SearchPage("a1b2c3d4e5", 3),
        callbacks.LatestPage(20, 40),
        callbacks.TopPage("week", 5, 0),
        callbacks.ReadArticle(123456789012),
        callbacks.FeedAction("confirm", 123456789012),
    ],
)
def test_round_trip_within_64_bytes(action: callbacks.Callback) -> None:
    data = callbacks.encode(action)
    assert len(data.encode()) <= 64
    assert callbacks.decode(data) == action


@pytest.mark.parametrize(
    "data",
    [
        None, "", "x", "s|key", "s|ke y|1", "s|k|-1", "l|a|b", "t|year|5|0", "r|", "r|1|2", "s|" + "a" * 70 + "|1",
        # Digits int() refuses, ids past what a store holds, a report's end past the year 9999.
        "r|²", "v|²|1", "u|¹", "l|5|²", f"r|{2**63}", f"f|pause|{10**30}", "p|999999999999",
    ],
)  # fmt: skip
def test_malformed_data_decodes_to_none(data: str | None) -> None:
    assert callbacks.decode(data) is None


def test_count_and_window_in_any_order() -> None:
    assert parse_count_and_window([], allow_window=True) == (5, TopWindow.ALL)
    assert parse_count_and_window(["week", "10"], allow_window=True) == (10, TopWindow.WEEK)
    assert parse_count_and_window(["3"], allow_window=False) == (3, TopWindow.ALL)


def test_numbers_from_outside_never_crash_a_parser() -> None:
    assert parse_count_and_window(["۱۰"], allow_window=False) == (10, TopWindow.ALL)  # typed on a Persian keyboard
    assert parse_feed_command(["pause", "99999999999999999999999"]).feed_id == 99999999999999999999999
    for words in (["pause", "²"], ["remove", "9" * 41], ["check", "1e3"]):
        with pytest.raises(UsageError, match="Name the feed by its number"):
            parse_feed_command(words)
    assert callbacks.decode(f"r|{2**63 - 1}") == callbacks.ReadArticle(2**63 - 1)


@pytest.mark.parametrize("args", [["0"], ["21"], ["week"], ["3", "4"], ["-1"], ["²"], ["9" * 5000]])
def test_bad_latest_arguments(args: list[str]) -> None:
    with pytest.raises(UsageError):
        parse_count_and_window(args, allow_window=False)


def test_admin_ids_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBOT_ADMIN_IDS", "12, 34;56")
    assert load_settings(BotSettings).admin_ids == frozenset({12, 34, 56})
    monkeypatch.setenv("NEWSBOT_ADMIN_IDS", "12,alice")
    with pytest.raises(SettingsError, match="NEWSBOT_ADMIN_IDS"):
        load_settings(BotSettings)


def test_token_never_appears_in_setting_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBOT_BOT_TOKEN", "123:SECRET")
    monkeypatch.setenv("NEWSBOT_MAX_UPLOAD_BYTES", "-5")
    with pytest.raises(SettingsError) as caught:
        load_settings(BotSettings)
    assert "SECRET" not in str(caught.value)
    assert "SECRET" not in repr(load_settings(BotSettings, max_upload_bytes=5))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("stories.jsonl", "stories.jsonl"),
        ("../../etc/passwd.csv", "passwd.csv"),
        ("my file (1).json", "my_file_1_.json"),
        (None, "upload"),
        ("....", "upload"),
        ("مقاله.html", "مقاله.html"),
    ],
)
def test_uploaded_file_names_are_made_safe(given: str | None, expected: str) -> None:
    assert safe_file_name(given) == expected
