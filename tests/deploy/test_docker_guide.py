"""The Docker side of the deploy guide: lines that work where they are pasted, and no secret handed to Caddy.

There is no Docker engine here, so these read what the guide and the compose
files say against what Docker, cron and the image do: cron turns an
unescaped ``%`` into a newline, ``docker compose exec`` wants a terminal
unless given ``-T``, the image runs ``newsbot`` as its entrypoint with
``/data`` as its volume, and Caddy needs only the host name it serves.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "deploy" / "README.md"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
CRON_ENTRY = re.compile(r"^\s*(?:[*/0-9,-]+\s+){5}(?:root\s+)?(?P<command>.+)$")
# What each Caddy service may be given: the host it serves, and (replicas) the replicas it balances.
CADDY_NEEDS = {"NEWSBOT_PUBLIC_HOST", "NEWSBOT_REPLICAS"}


def code_lines(text: str) -> list[str]:
    """Every line of the guide's code blocks."""
    return [line for block in re.findall(r"^ *```\n(.*?)^ *```", text, flags=re.M | re.S) for line in block.splitlines()]


def cron_commands() -> list[str]:
    return [match["command"] for line in code_lines(GUIDE.read_text()) if (match := CRON_ENTRY.match(line))]


def test_every_cron_line_works_in_a_crontab() -> None:
    commands = cron_commands()
    docker = [command for command in commands if "docker compose" in command]
    assert any("newsbot backup" in command for command in docker), "the Docker backup is given as a cron line"
    assert any("newsbot feeds check" in command for command in docker), "the Docker feed check is given as a cron line"
    for command in commands:
        assert not re.search(r"(?<!\\)%", command), f"cron ends the command at an unescaped %: {command}"
    for command in docker:
        # cron has no terminal: exec and run must not ask for one; compose finds deploy/ from the clone's folder.
        assert re.search(r" (exec|run --rm) -T ", command) and command.startswith("cd "), command


def test_the_docker_backup_line_prunes_what_it_writes() -> None:
    docker = [command for command in cron_commands() if "docker compose" in command]
    backups = next(command for command in docker if "newsbot backup" in command)
    target = re.search(r"(/data/backups/newsbot-)\S+", backups)
    assert target is not None
    assert any("find /data/backups -name 'newsbot-*.sqlite3*' -mtime +14 -delete" in command for command in docker)


def service_lines(compose: str, name: str) -> list[str]:
    """The lines of one service of a compose file (the block indented under ``  name:``)."""
    lines = (ROOT / "deploy" / compose).read_text().splitlines()
    start = lines.index(f"  {name}:") + 1
    block = []
    for line in lines[start:]:
        if line.strip() and len(line) - len(line.lstrip()) <= 2:
            break
        block.append(line)
    return block


def test_caddy_gets_only_the_variables_it_needs_not_the_bot_token() -> None:
    for compose in ("compose.webhook.yaml", "compose.replicas.yaml"):
        caddy = service_lines(compose, "caddy")
        assert not [line for line in caddy if line.strip().startswith("env_file")], (
            f"{compose}: caddy reads the whole .env (the bot's token with it)"
        )
        names = {match[1] for line in caddy if (match := re.match(r"^ {6}-? ?([A-Z_]+)[:=]", line))}
        assert names <= CADDY_NEEDS, f"{compose}: caddy is given {sorted(names - CADDY_NEEDS)}"
        assert "NEWSBOT_PUBLIC_HOST" in "\n".join(caddy)


def test_the_guide_loads_a_file_from_the_host_into_the_image_as_it_is_laid_out() -> None:
    text = GUIDE.read_text()
    loads = [shlex.split(line) for line in code_lines(text) if " run --rm " in line and " load " in line]
    assert loads, "the Docker guide shows loading a file from the host"
    image = DOCKERFILE.read_text()
    assert 'ENTRYPOINT ["newsbot"]' in image and 'VOLUME ["/data"]' in image
    for words in loads:
        assert words[:4] == ["docker", "compose", "-f", "deploy/compose.yaml"], words
        mounts = [words[i + 1] for i, word in enumerate(words) if word == "-v"]
        assert len(mounts) == 1, words
        host, inside, mode = mounts[0].split(":")
        # The entrypoint is newsbot: the service's name, then the command and the path as the container sees it.
        service_at = words.index("newsbot")
        assert words[service_at + 1] == "load" and words[service_at + 2].startswith(inside), words
        assert mode == "ro" and not inside.startswith("/data"), "read-only, and not over the archive's volume"
        assert host.startswith('$PWD/') or host.startswith("/"), "docker needs an absolute host path"
    # The container's user (uid 10001) reads the mounted file: the guide says it must be readable by others.
    assert "USER 10001:10001" in image and "chmod o+r" in text
