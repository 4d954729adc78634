"""Persian search across spelling variants and inflections: the rules alone, then a real archive."""

from __future__ import annotations

import pytest

from retrieval import Archive
from retrieval.text.analyzer import Analyzer
from retrieval.text.languages.fa.rules import join_compound, stem
from tests.conftest import write_jsonl

ANALYZER = Analyzer()


@pytest.mark.parametrize(
    "variants",
    [
        ["می‌شود", "می شود", "مي‌شود", "میشود"],  # ZWNJ, space, Arabic yeh, joined
        ["کم‌آبی", "کم آبی"],  # a compound: its words
        ["کتاب‌ها", "کتاب ها", "کتابها", "کتاب", "كتاب"],  # plural with ZWNJ, space, joined; Arabic kaf
        ["اردوگاه‌های", "اردوگاههای", "اردوگاه"],
        ["خانه‌ی", "خانهی", "خانه ی", "خانه"],  # ezafe
        ["دانشجویان", "دانشجو"],
        ["بزرگ‌ترین", "بزرگترین", "بزرگ"],
        ["زِلزِله", "زلزله"],  # diacritics
        ["۱۴۰۳", "١٤٠٣", "1403"],  # Persian, Arabic-Indic and ASCII digits
    ],
)
def test_variants_give_the_same_terms(variants: list[str]) -> None:
    assert len({tuple(ANALYZER.terms(text)) for text in variants}) == 1, [ANALYZER.terms(t) for t in variants]


def test_words_that_only_look_inflected_are_kept() -> None:
    assert [stem(word) for word in ("ایران", "تهران", "زمان", "پاکستان", "دفتر", "انتخابات")] == [
        "ایران",
        "تهران",
        "زمان",
        "پاکستان",
        "دفتر",
        "انتخابات",
    ]
    assert stem("دو") == "دو" and stem("ها") == "ها"  # too short to lose a suffix


def test_stopwords_and_bound_pieces_are_not_terms() -> None:
    assert ANALYZER.terms("این کتاب در آن خانه است") == ["کتاب", "خانه"]
    assert join_compound("نمی‌توانند") == "توانند" and join_compound("هسته‌ای") == "هسته"
    assert [stem(word) for word in ("میدان", "میزان", "میلیون", "میوه")] == ["میدان", "میزان", "میلیون", "میوه"]
    assert ANALYZER.query_terms("و در به از") == []


def test_spans_still_point_at_the_written_words() -> None:
    text = "اعضای مجاهدین در اردوگاه‌های آلبانی"
    tokens = ANALYZER.tokens(text)
    assert [text[t.start : t.end] for t in tokens] == ["اعضای", "مجاهدین", "اردوگاه‌های", "آلبانی"]
    assert [t.term for t in tokens] == ANALYZER.terms(text)


async def test_a_persian_question_finds_the_persian_article_across_spellings(archive: Archive, tmp_path) -> None:
    rows = [
        {"url": "https://fa.example.com/camp", "title": "مجاهدین خلق در آلبانی",
         "body": "اعضای سازمان مجاهدین خلق در اردوگاه‌های آلبانی زندگی می‌کنند. دولت آلبانی می‌گوید اردوگاه‌ها تحت نظارت هستند."},
        {"url": "https://fa.example.com/water", "title": "کم‌آبی در تهران",
         "body": "کم‌آبی در تهران به مرحله بحرانی رسیده است. سدهای اطراف پایتخت کمتر از ده درصد آب دارند."},
        {"url": "https://fa.example.com/books", "title": "نمایشگاه کتاب",
         "body": "نمایشگاه کتاب تهران آغاز شد. کتاب‌های کودکان بیشترین فروش را داشتند و ناشران راضی بودند."},
    ]  # fmt: skip
    await archive.load([str(write_jsonl(tmp_path / "fa.jsonl", rows))])
    for question, expected in [
        ("اردوگاههای مجاهدين در آلباني", "camp"),
        ("سد های تهران", "water"),
        ("بحران کم آبی", "water"),
        ("كتاب كودك", "books"),
    ]:
        result = await archive.search(question)
        assert result.hits and result.hits[0].headline.url.endswith(expected), question
        assert result.hits[0].snippet.highlights  # the matched Persian words are marked
