"""What can be checked of the container image without a Docker engine (.ci/dockerfile-check).

The check reads the Dockerfile itself, so it cannot drift from it: every
``apt-get install`` must resolve on this machine (Debian 12, the base
image's release) with the same arguments, and every ``pip install`` must
install, in a scratch venv, from the files the Dockerfile COPYs, where its
WORKDIR puts them. The real Dockerfile passes; one with the pin that once
broke the image (``postgresql-client=15.*``) or a pip line that cannot
install is caught.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECK = ROOT / ".ci" / "dockerfile-check"
BASE = "FROM python:3.11-slim-bookworm\n"


def require_debian_12() -> None:
    """The apt check means something only on the base image's release, with apt's lists in place."""
    release = Path("/etc/os-release").read_text() if Path("/etc/os-release").is_file() else ""
    if shutil.which("apt-get") and "VERSION_CODENAME=bookworm" in release:
        return
    if os.environ.get("CI"):
        pytest.fail("CI runs on Debian 12: apt-get and bookworm are needed to check the Dockerfile")
    pytest.skip("not Debian 12 (bookworm): the Dockerfile's apt lines cannot be checked here")


def check(dockerfile: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """Run the check as CI does, with the Dockerfile's folder as the build context unless told otherwise."""
    context = ["--context", str(dockerfile.parent)] if "--context" not in options else []
    offline = {**os.environ, "PIP_NO_INDEX": "1"}  # the pip lines below install a local package, with no index
    return subprocess.run(
        [sys.executable, str(CHECK), *context, *options, str(dockerfile)],
        capture_output=True, text=True, timeout=600, env=offline,
    )  # fmt: skip


def test_the_images_apt_lines_resolve() -> None:
    require_debian_12()
    done = check(ROOT / "deploy" / "Dockerfile", "--skip-pip", "--context", str(ROOT))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok: apt-get install" in done.stdout and "postgresql-client" in done.stdout


def test_the_pin_that_broke_the_image_is_caught(tmp_path: Path) -> None:
    require_debian_12()
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        BASE + "RUN apt-get update \\\n"
        "    && apt-get install -y --no-install-recommends postgresql-client=15.* \\\n"
        "    && rm -rf /var/lib/apt/lists/*\n"
    )
    done = check(dockerfile)
    assert done.returncode == 1
    assert "FAILED: apt-get install -y --no-install-recommends postgresql-client=15.*" in done.stdout
    assert "Version '15.*' for 'postgresql-client' was not found" in done.stdout


def test_a_package_debian_12_lacks_is_caught(tmp_path: Path) -> None:
    require_debian_12()
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(BASE + "RUN apt-get install -y postgresql-client-99; echo done\n")
    done = check(dockerfile)
    assert done.returncode == 1 and "FAILED: apt-get install -y postgresql-client-99" in done.stdout


WHEEL = "tiny-1-py3-none-any.whl"


def tiny_wheel(folder: Path) -> None:
    """A one-module wheel in the build context: pip installs it offline, with no build step."""
    files = {
        "tiny.py": "ANSWER = 42\n",
        "tiny-1.dist-info/METADATA": "Metadata-Version: 2.1\nName: tiny\nVersion: 1\n",
        "tiny-1.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    files["tiny-1.dist-info/RECORD"] = "".join(f"{name},,\n" for name in files) + "tiny-1.dist-info/RECORD,,\n"
    with zipfile.ZipFile(folder / WHEEL, "w") as wheel:
        for name, text in files.items():
            wheel.writestr(name, text)


def test_pip_installs_what_the_dockerfile_copies_where_it_copies_it(tmp_path: Path) -> None:
    tiny_wheel(tmp_path)
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(BASE + f"WORKDIR /app\nCOPY {WHEEL} ./\nRUN pip install --no-cache-dir ./{WHEEL} && rm ./{WHEEL}\n")
    done = check(dockerfile)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"ok: pip install --no-cache-dir ./{WHEEL} (in /app)" in done.stdout


def test_a_pip_line_that_needs_a_file_the_dockerfile_does_not_copy_is_caught(tmp_path: Path) -> None:
    tiny_wheel(tmp_path)
    dockerfile = tmp_path / "Dockerfile"
    # The wheel is in the build context, but never COPYed into the image.
    dockerfile.write_text(BASE + f"WORKDIR /app\nRUN pip install --no-cache-dir ./{WHEEL}\n")
    done = check(dockerfile)
    assert done.returncode == 1
    assert f"FAILED: pip install --no-cache-dir ./{WHEEL} (in /app)" in done.stdout
