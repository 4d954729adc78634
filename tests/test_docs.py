"""README and deploy/.env.example name every setting, so neither goes stale."""

from pathlib import Path

from bot.settings import BotSettings

ROOT = Path(__file__).resolve().parents[1]


def setting_names() -> list[str]:
    return [f"NEWSBOT_{name.upper()}" for name in BotSettings.model_fields]


def test_readme_documents_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in setting_names() if f"`{name}`" not in readme]
    assert missing == []


def test_env_example_lists_every_setting() -> None:
    example = (ROOT / "deploy" / ".env.example").read_text()
    missing = [name for name in setting_names() if f"{name}=" not in example]
    assert missing == []


def test_readme_test_command_is_what_ci_runs() -> None:
    assert "\npytest\n" in (ROOT / "README.md").read_text()
    assert (ROOT / ".ci" / "run").read_text().rstrip().endswith("\npytest")
