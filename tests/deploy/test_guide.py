"""The systemd deploy guide's commands act on the service's own archive, wherever they are typed.

Each ``newsbot`` command of deploy/README.md's systemd sections (install and
load, feeds from cron, backup and restore) is run as written, through
deploy/bin/newsbot, from a folder that is not the service's, against a
temporary install layout: /var/lib/newsbot, /etc/newsbot and the venv are
moved under a temp dir, and ``sudo``, ``runuser``, ``id`` and ``systemctl``
are stand-ins (the dropping of privileges is runuser's own job). The
archive they must touch is the service's: NEWSBOT_DB_PATH of newsbot.service.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.pages import PARAGRAPHS, Route, article_page, serve

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "deploy" / "README.md"
WRAPPER = ROOT / "deploy" / "bin" / "newsbot"
UNIT = ROOT / "deploy" / "systemd" / "newsbot.service"
SYSTEMD_SECTIONS = ("3b.", "4b.", "5.")
# A guide line that runs newsbot or systemctl: "sudo newsbot …", a cron line's command, "systemctl …".
COMMAND = re.compile(r"^(?:[*/0-9]+ [*/0-9]+ \* \* \* root )?((?:sudo )?(?:/usr/local/bin/newsbot|newsbot|systemctl) .*)$")
STAND_INS = {
    "sudo": '#!/bin/sh\nexec "$@"\n',
    "id": '#!/bin/sh\n[ "$1" = -u ] && { echo 0; exit 0; }\nexec /usr/bin/id "$@"\n',
    "runuser": '#!/bin/sh\n[ "$1" = -u ] && shift 2\n[ "$1" = -- ] && shift\nexec "$@"\n',
    "systemctl": '#!/bin/sh\necho "$@" >> "$(dirname "$0")/systemctl.log"\n',
}


def guide_commands() -> list[str]:
    """The commands of the systemd sections' code blocks, in order, comments left off."""
    commands = []
    for section in re.split(r"^## ", GUIDE.read_text(), flags=re.M):
        if not section.startswith(SYSTEMD_SECTIONS):
            continue
        for block in re.findall(r"^ *```\n(.*?)^ *```", section, flags=re.M | re.S):
            for line in block.splitlines():
                match = COMMAND.match(line.strip())
                if match:
                    commands.append(re.sub(r"\s+#.*$", "", match.group(1)))
    return commands


def unit_setting(name: str) -> str:
    return re.search(rf"^{name}=(.*)$", UNIT.read_text(), flags=re.M).group(1)


def test_the_wrapper_runs_newsbot_as_the_unit_does() -> None:
    wrapper = WRAPPER.read_text()
    assert unit_setting("User") == "newsbot" and "runuser -u newsbot --" in wrapper
    assert f"settings={unit_setting('EnvironmentFile')}\n" in wrapper
    state = unit_setting("WorkingDirectory")
    assert f"state={state}\n" in wrapper
    assert unit_setting("Environment") == "NEWSBOT_DB_PATH=/var/lib/newsbot/newsbot.sqlite3"
    assert 'archive="NEWSBOT_DB_PATH=$state/newsbot.sqlite3"' in wrapper
    assert unit_setting("ExecStart").split()[0] + " --env-file" in wrapper


def test_the_guide_gives_the_commands_this_test_runs() -> None:
    commands = guide_commands()
    verbs = [command.split()[2] if command.startswith("sudo newsbot") else command.split()[1] for command in commands]
    for verb in ("load", "feeds", "backup", "restore"):
        assert verb in verbs, commands
    assert not [command for command in commands if command.startswith("/opt/newsbot/venv/bin/newsbot")]


@pytest.mark.skipif(shutil.which("newsbot") is None, reason="the newsbot command is not installed (pip install -e .)")
def test_every_newsbot_command_of_the_guide_touches_the_service_archive(tmp_path: Path) -> None:
    layout = {"/var/lib/newsbot": tmp_path / "var-lib-newsbot", "/etc/newsbot": tmp_path / "etc-newsbot"}
    state, etc = layout["/var/lib/newsbot"], layout["/etc/newsbot"]
    stand_ins = tmp_path / "bin"
    for folder in (state / "backups", etc, stand_ins):
        folder.mkdir(parents=True)
    # What the install block does, in the temp layout.
    shutil.copy(ROOT / "deploy" / ".env.example", etc / "newsbot.env")
    with (etc / "newsbot.env").open("a") as settings:
        settings.write("NEWSBOT_LOAD_SEEDS=false\nNEWSBOT_ALLOW_PRIVATE_URLS=true\n")
    wrapper = WRAPPER.read_text().replace("/opt/newsbot/venv/bin/newsbot", shutil.which("newsbot"))
    for real, temporary in layout.items():
        wrapper = wrapper.replace(real, str(temporary))
    (stand_ins / "newsbot").write_text(wrapper)
    for name, text in STAND_INS.items():
        (stand_ins / name).write_text(text)
    for script in stand_ins.iterdir():
        script.chmod(0o755)
    rows = [{"url": f"https://news.example.com/story-{n}", "title": f"Story {n}", "body": PARAGRAPHS[n % 3]} for n in range(3)]
    (state / "articles.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    elsewhere = tmp_path / "somewhere-else"  # the operator's current folder: never the archive's
    elsewhere.mkdir()
    env = {"PATH": f"{stand_ins}:{os.environ['PATH']}", "HOME": str(tmp_path), "NEWSBOT_DB_PATH": str(elsewhere / "x.db")}

    routes = {"/news/some-story.html": Route(body=article_page("Some story", PARAGRAPHS).encode())}
    with serve(routes) as base:

        def run(command: str) -> subprocess.CompletedProcess[str]:
            command = command.replace("https://www.example.com", base).replace("/usr/local/bin/newsbot", "newsbot")
            for real, temporary in layout.items():
                command = command.replace(real, str(temporary))
            master, terminal = os.openpty()  # a terminal, as an operator's, that answers "y" when asked
            os.write(master, b"y\n")
            try:
                return subprocess.run(
                    ["sh", "-c", command], stdin=terminal, capture_output=True, text=True, cwd=elsewhere, env=env,
                    timeout=120,
                )  # fmt: skip
            finally:
                os.close(master)
                os.close(terminal)

        outputs = {}
        for command in guide_commands():
            if " restore " in command:  # the archive has moved on since the backup: the restore must undo that
                assert run("sudo newsbot load https://www.example.com/news/some-story.html").returncode == 0
                run("sudo newsbot delete https://news.example.com/story-0")
            done = run(command)
            assert done.returncode == 0, (command, done.stdout, done.stderr)
            outputs[command] = done.stdout

    archive = state / "newsbot.sqlite3"
    said = "\n".join(outputs.values())
    assert "Loaded: 1 new" in said and "Loaded: 3 new" in said
    assert f"of {archive} to {state / 'backups'}" in said
    assert f"into {archive}, which holds 3 articles now" in said and f"Restored 4 articles into {archive}" in said
    assert "No feed is due." in said
    assert not list(elsewhere.iterdir()), "a command created files in the operator's folder"
    assert sorted(path.name for path in state.iterdir() if path.suffix == ".sqlite3") == ["newsbot.sqlite3"]
    assert (stand_ins / "systemctl.log").read_text().endswith("\nstop newsbot\nstart newsbot\n")  # around the restore
