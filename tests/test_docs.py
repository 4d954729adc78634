"""README, deploy/README.md and deploy/.env.example name every setting and metric, so none goes stale."""

import re
from pathlib import Path

from bot.monitoring.metrics import Failure, Metrics
from bot.settings import BotSettings
from retrieval.store.postgres import LEADER_LOCK, lock_key

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


def test_readme_explains_every_metric() -> None:
    """Each metric /metrics serves, and each kind of failure, has its line in the README's table."""
    readme = (ROOT / "README.md").read_text()
    names = {metric.name for metric in Metrics().registry.collect()}
    missing = [name for name in names if not re.search(rf"^\| `{name}(_total)?[{{`]", readme, flags=re.M)]
    assert missing == []
    assert [kind.value for kind in Failure if f"`{kind.value}`:" not in readme] == []


def test_the_deploy_guide_names_the_leader_lock_by_its_key() -> None:
    guide = (ROOT / "deploy" / "README.md").read_text()
    assert f"l.objid = {lock_key(LEADER_LOCK)};" in guide
