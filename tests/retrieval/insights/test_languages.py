"""Content gaps group questions asked in other languages by their own analysis: word forms of one Russian or
Turkish question are one gap, two different questions stay two."""

from __future__ import annotations

from pathlib import Path

from retrieval import Archive, TopWindow
from tests.conftest import write_jsonl


async def test_gaps_in_russian_and_turkish_group_by_their_stems(archive: Archive, tmp_path: Path) -> None:
    records = [
        {"url": "https://news.example.com/ru", "title": "Погода", "lang": "ru", "body": "В Петербурге ожидаются дожди всю неделю."},
        {"url": "https://news.example.com/tr", "title": "Hava", "lang": "tr", "body": "İzmir'de bu hafta yağmur bekleniyor."},
    ]  # fmt: skip
    await archive.load([str(write_jsonl(tmp_path / "in.jsonl", records))])
    asked = [
        "выборы мэра Новосибирска",
        "выборах мэра в Новосибирске",
        "seçim sonuçları Trabzon",
        "Trabzon'daki seçimlerin sonuçları",
        "Футбольный клуб Зенит",
    ]
    for number, question in enumerate(asked):
        result = await archive.search(question)
        assert not result.hits, question
        await archive.record_answer(1000 + number, result)
    gaps = (await archive.reader_insights(TopWindow.WEEK)).gaps
    assert sorted(gap.asked for gap in gaps) == [1, 2, 2]
