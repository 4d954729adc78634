"""Thai: words from PyThaiNLP's dictionary, Lucene's stopwords, sentences at spaces."""

from retrieval.models import PassageSpan
from retrieval.search.quotes import quote_article
from retrieval.text.analyzer import Analyzer
from retrieval.text.languages.th import MIN_SENTENCE_CHARS
from retrieval.text.sentences import sentence_spans

ANALYZER = Analyzer()
FIRST = (
    "ทีมรับของแพนเธอร์สเสียคะแนนเพียง 308 คะแนนตลอดทั้งฤดูกาลที่ผ่านมาซึ่งถือเป็นอันดับที่หกของลีก"
    "และยังเป็นผู้นำในการสกัดบอลด้วยจำนวนยี่สิบสี่ครั้ง"
)
SECOND = "ผู้เล่นแนวรับสี่คนได้รับเลือกให้ไปเล่นในโปรโบว์ลซึ่งเป็นการแข่งขันของผู้เล่นที่ดีที่สุดในลีกประจำปีนั้นอีกด้วย"


def test_words_are_cut_by_the_dictionary_and_stopwords_dropped() -> None:
    assert ANALYZER.terms("ประเทศไทยเป็นประเทศที่มีประชากรมาก", "th") == ["ประเทศ", "ไทย", "ประเทศ", "ประชากร"]


def test_each_word_keeps_its_own_span() -> None:
    text = "กรุงเทพมหานครเป็นเมืองหลวง"
    tokens = ANALYZER.tokens(text, "th")
    assert [text[t.start : t.end] for t in tokens] == [t.term for t in tokens]
    assert tokens[-1].term == "เมืองหลวง"


def test_sentences_end_at_spaces_between_thai_letters() -> None:
    assert len(FIRST) >= MIN_SENTENCE_CHARS and len(SECOND) >= MIN_SENTENCE_CHARS
    text = f"{FIRST} {SECOND}"
    spans = sentence_spans(text, "th")
    assert [text[span.start : span.end] for span in spans] == [FIRST, SECOND]
    assert "308" in text[spans[0].start : spans[0].end]  # a space before a number is inside a sentence


def test_a_short_piece_joins_its_neighbour() -> None:
    text = f"ใช่ {SECOND}"
    assert len(sentence_spans(text, "th")) == 1


def test_a_quote_is_sentences_never_a_paragraph_cut_short() -> None:
    body = " ".join([FIRST, SECOND] * 3)
    weights = {term: 1.0 for term in ANALYZER.query_terms("ผู้เล่นกี่คนได้รับเลือกให้ไปเล่นในโปรโบว์ล", "th")}
    quote = quote_article(body, [PassageSpan(1, 0, len(body))], weights, ANALYZER, lang="th").snippet
    assert quote.text.startswith(SECOND) and "…" not in quote.text.split(SECOND, 1)[1][:1]
    marked = [quote.text[start:end] for start, end in quote.highlights]
    assert marked and all(set(ANALYZER.terms(word, "th")) <= set(weights) for word in marked)
