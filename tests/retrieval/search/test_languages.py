"""Questions in any language meet the articles of their language in one archive, quoted by that language's rules."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from retrieval import Archive
from tests.conftest import write_jsonl

ARTICLES = {
    "ru": "Москва — столица России и крупнейший город страны. В Москве живут более двенадцати миллионов человек. "
    "Город основал князь Юрий Долгорукий в 1147 году.",
    "de": "Berlin ist die Hauptstadt Deutschlands. In den Berliner Bezirken leben fast vier Millionen Menschen. "
    "Die Mauer fiel im November 1989.",
    "tr": "Ankara, Türkiye'nin başkentidir. Şehirde yaklaşık beş milyon kişi yaşamaktadır. "
    "Ankara 1923 yılında başkent oldu.",
    "ar": "القاهرة هي عاصمة مصر وأكبر مدنها. يعيش في القاهرة أكثر من عشرين مليون نسمة. "
    "تأسست المدينة في عام 969 ميلادية.",
    "zh": "北京是中华人民共和国的首都。北京大学创办于1898年，是中国第一所国立综合性大学。"
    "北京有超过两千万的常住人口。",
    "th": "กรุงเทพมหานครเป็นเมืองหลวงและนครที่มีประชากรมากที่สุดของประเทศไทยมาตั้งแต่สมัยรัชกาลที่หนึ่ง "
    "กรุงเทพมหานครมีประชากรตามทะเบียนราษฎรกว่าห้าล้านคนและเป็นศูนย์กลางการปกครองการศึกษาและเศรษฐกิจของประเทศ",
    "en": "London is the capital of the United Kingdom. Nearly nine million people live in Greater London. "
    "The Romans founded the city, which they called Londinium.",
}
QUESTIONS = [
    ("Сколько человек живёт в Москве?", "ru", "двенадцати миллионов", "Москве"),
    ("Wann fiel die Berliner Mauer?", "de", "1989", "Mauer"),
    ("Ankara ne zaman başkent oldu?", "tr", "1923", "başkent"),
    ("متى تأسست القاهرة؟", "ar", "969", "القاهرة"),
    ("北京大学创办于哪一年？", "zh", "1898", "北京大学"),
    ("กรุงเทพมหานครมีประชากรกี่คน", "th", "ห้าล้านคน", "ประชากร"),
    ("Who founded London?", "en", "Romans", "founded"),
]


@pytest.fixture
async def mixed(archive: Archive, tmp_path: Path) -> Archive:
    records = [
        {"url": f"https://news.example.com/{code}", "title": "", "body": body, **({"lang": code} if code != "th" else {})}
        for code, body in ARTICLES.items()
    ]
    report = await archive.load([str(write_jsonl(tmp_path / "mixed.jsonl", records))])
    assert report.new == len(ARTICLES), report.failures
    return archive


@pytest.mark.parametrize(("question", "code", "answer", "marked"), QUESTIONS, ids=[q[1] for q in QUESTIONS])
async def test_each_question_finds_its_languages_article_first(
    mixed: Archive, question: str, code: str, answer: str, marked: str
) -> None:
    result = await mixed.search(question, limit=3)
    assert result.languages[0] == code
    hit = result.hits[0]
    assert hit.headline.url.endswith(f"/{code}")
    assert answer in f"{hit.headline.title} {hit.snippet.text}"
    assert len(hit.snippet.text) <= 400
    words = [hit.snippet.text[start:end] for start, end in hit.snippet.highlights]
    assert any(marked in word or word in marked for word in words), words


async def test_the_archive_knows_its_languages(mixed: Archive) -> None:
    assert mixed.index.languages == tuple(sorted(ARTICLES))  # each has a "lang" term in the article grain
    assert (await mixed.article(6)).language == "th"  # detected: its row named none


async def test_the_index_counts_articles_by_language(mixed: Archive) -> None:
    assert mixed.index.language_counts() == dict.fromkeys(ARTICLES, 1)
    await mixed.delete("https://news.example.com/th")
    assert "th" not in mixed.index.language_counts()


async def test_terms_weigh_as_they_would_among_the_questions_language_alone(archive: Archive, tmp_path: Path) -> None:
    # The same story in English and in three German articles: its name is in all four, rare among the English.
    english = [("Zeppelin flights resume over the lake this summer.", "en")] + [
        (f"The council approved the {word} budget for the harbour district.", "en") for word in ("school", "road", "park")
    ]
    german = [(f"Der Zeppelin fliegt wieder über den See, Teil {n}.", "de") for n in range(3)]
    german += [("Der Stadtrat beschloss den Haushalt für den Hafen.", "de")]
    records = [
        {"url": f"https://news.example.com/{n}", "title": "", "body": body, "lang": lang}
        for n, (body, lang) in enumerate(english + german)
    ]
    assert (await archive.load([str(write_jsonl(tmp_path / "two.jsonl", records))])).new == 8
    index = archive.index
    zeppelin, lake, stadtrat = (archive.analyzer.query_terms(word, lang)[0] for word, lang in
                                (("Zeppelin", "en"), ("lake", "en"), ("Stadtrat", "de")))  # fmt: skip
    weights = index.language_weights([zeppelin, lake, stadtrat], ["en"])
    # Among the 4 English articles "zeppelin" is in 1, as rare as "lake": the same weight once lifted.
    assert weights[zeppelin] > 1.0 > weights[lake]
    assert weights[zeppelin] * idf(8, 4) == pytest.approx(idf(4, 1)) and weights[lake] * idf(8, 1) == pytest.approx(idf(4, 1))
    assert stadtrat not in weights  # no English article has it: nothing to compare with
    assert index.language_weights([zeppelin], []) == {}


async def test_an_archive_of_one_language_keeps_the_index_statistics(mixed: Archive) -> None:
    assert mixed.index.language_weights(["london"], ["en"])  # seven languages
    for code in ARTICLES:
        if code != "en":
            await mixed.delete(f"https://news.example.com/{code}")
    assert mixed.index.language_weights(["london"], ["en"]) == {}


def idf(total: int, frequency: int) -> float:
    return math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))
