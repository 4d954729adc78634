from pathlib import Path

import pytest

from retrieval import Settings, SettingsError, load_settings


def test_defaults_need_no_configuration() -> None:
    settings = load_settings(Settings)
    assert settings.db_path == Path("newsbot-data/newsbot.sqlite3")
    assert settings.resolved_index_path == Path("newsbot-data/index")
    assert settings.site_url == "https://news.example.com"
    assert settings.allow_private_urls is False


def test_environment_and_dotenv_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("NEWSBOT_SITE_URL=https://daily.example.org/\nNEWSBOT_ALLOW_PRIVATE_URLS=true\n")
    monkeypatch.setenv("NEWSBOT_DB_PATH", str(tmp_path / "x.sqlite3"))
    settings = load_settings(Settings)
    assert settings.site_url == "https://daily.example.org"
    assert settings.allow_private_urls is True
    assert settings.resolved_index_path == tmp_path / "index"


def test_invalid_values_fail_with_one_readable_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBOT_SITE_URL", "not a url")
    monkeypatch.setenv("NEWSBOT_FETCH_TIMEOUT", "-1")
    with pytest.raises(SettingsError) as caught:
        load_settings(Settings)
    lines = str(caught.value).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("invalid setting NEWSBOT_SITE_URL: ")
    assert lines[1].startswith("invalid setting NEWSBOT_FETCH_TIMEOUT: Input should be greater than 0")
