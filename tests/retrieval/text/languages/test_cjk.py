"""Chinese, Japanese and Korean: overlapping character pairs, each with its own span."""

from retrieval.models import PassageSpan
from retrieval.search.quotes import quote_article
from retrieval.text.analyzer import Analyzer

ANALYZER = Analyzer()


def test_a_run_becomes_overlapping_pairs() -> None:
    assert ANALYZER.terms("北京大学", "zh") == ["北京", "京大", "大学"]


def test_a_question_meets_the_sentence_it_is_part_of() -> None:
    sentence = set(ANALYZER.terms("超级碗第50届比赛在加州圣克拉拉举行。", "zh"))
    assert set(ANALYZER.query_terms("超级碗在哪里举行？", "zh")) & sentence >= {"超级", "级碗", "举行"}


def test_pairs_keep_their_spans_for_bold_words() -> None:
    text = "他在上海工作"
    assert [(t.term, text[t.start : t.end]) for t in ANALYZER.tokens(text, "zh")][:3] == [
        ("他在", "他在"), ("在上", "在上"), ("上海", "上海")
    ]


def test_latin_words_inside_chinese_are_english() -> None:
    assert ANALYZER.terms("苹果发布iPhone手机", "zh")[-2:] == ["iphon", "手机"]


def test_japanese_and_korean_use_the_same_pairs() -> None:
    assert ANALYZER.terms("東京タワー", "ja") == ["東京", "京タ", "タワ", "ワー"]
    assert ANALYZER.terms("서울특별시", "ko") == ["서울", "울특", "특별", "별시"]


def test_a_chinese_quote_is_whole_sentences_with_the_words_marked() -> None:
    sentences = [
        "第50届超级碗是一场美式橄榄球比赛，旨在决出国家橄榄球联盟2015赛季的冠军。",
        "美国橄榄球联合会冠军丹佛野马队以24比10击败了国家橄榄球联合会冠军卡罗莱纳黑豹队，获得了第三个超级碗冠军。",
        "比赛于2016年2月7日在加利福尼亚州圣克拉拉旧金山湾区的李维斯体育场举行。",
    ] * 4
    body = "".join(sentences)
    weights = {term: 1.0 for term in ANALYZER.query_terms("超级碗比赛在哪里举行？", "zh")}
    quote = quote_article(body, [PassageSpan(1, 0, len(body))], weights, ANALYZER, lang="zh").snippet
    assert len(quote.text) <= 400 and quote.text.endswith("。")
    assert "李维斯体育场举行" in quote.text
    marked = {quote.text[start:end] for start, end in quote.highlights}
    assert {"举行", "超级碗"} <= marked  # a word's overlapping pairs are marked as one
