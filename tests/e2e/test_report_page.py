"""`newsbot report --html` renders in a real headless browser (Debian's Chromium): the page, its chart, its tables.

Skipped with the reason where Chromium is not installed; CI installs it
(.ci/run), and there the test must run.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from bot.cli import main
from retrieval import Archive, Settings
from tests.conftest import tables_of

BROWSER_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--hide-scrollbars",
]  # fmt: skip


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("Chromium is not installed: .ci/run installs Debian's chromium for this test")
    pytest.skip("Chromium is not installed (Debian: apt-get install chromium) to render the report page")


async def asked(settings: Settings) -> str:
    """The demo archive, and questions a reader asked; returns what the store keeps instead of their id."""
    async with await Archive.open(settings) as archive:
        for question in ("MEK camp Albania", "camp in albania for the mek", "zzyzx quorble", "zzyzx quorble"):
            await archive.record_answer(1001, await archive.search(question))
        return await tables_of(archive).insights.reader_key(1001)


def test_the_report_page_renders_in_chromium_with_its_chart_and_tables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    browser = chromium()
    reader = asyncio.run(asked(Settings(_env_file=None, db_path=Path("newsbot-data/newsbot.sqlite3"))))
    page = tmp_path / "report.html"
    assert main(["report", "--html", str(page)]) == 0
    assert f"Wrote the report to {page}." in capsys.readouterr().out
    text = page.read_text()
    assert reader not in text and "1001" not in text  # nobody named

    profile = tmp_path / "profile"
    dom = subprocess.run([browser, *BROWSER_FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert "<h1>Reader report</h1>" in dom.stdout and "zzyzx quorble" in dom.stdout, dom.stderr[-2000:]
    shot = tmp_path / "report.png"
    subprocess.run([browser, *BROWSER_FLAGS, f"--user-data-dir={profile}", "--window-size=1000,1800",
                    f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120, check=True)  # fmt: skip
    with Image.open(shot) as image:
        assert image.size == (1000, 1800)
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50  # text, tables and the chart's bars: not a blank page
