"""Chinese, Japanese and Korean: overlapping pairs of characters, as Lucene's CJK analyser.

Chosen by measurement (bench/segmenters.py, bench/README.md): on
multilingual-dev's Chinese paragraphs pairs found the paragraph as often as
jieba, jieba-rs or ICU's dictionary (0.862 first against 0.858-0.869) at no
install size, no memory and 20 times jieba's speed, and they are the same
terms in any language's text, so a Chinese name in an English article
meets a Chinese question. Every run of Han, kana or Hangul becomes its
pairs («北京大学» → 北京 京大 大学); a lone character stays one term. The
pairs of interrogatives (什么, 哪个, 多少) are stopwords, as who, what and
which are in English. Sentences end at 。！？ (sentencex's rules for ``zh``).
"""

from pathlib import Path

from retrieval.text.languages import Language
from retrieval.text.languages.analysis import Steps
from retrieval.text.languages.steps import COMMON, Normaliser, bigrams, fold, folded_words, stopwords

_SCRIPTS = frozenset({"Han", "Kana", "Hangul"})


def _steps() -> Steps:
    normalise = Normaliser(fold(COMMON))
    return Steps(normalise, stopwords=folded_words(stopwords(Path(__file__).parent), normalise), segment=bigrams)


LANGUAGE = Language(
    "zh",
    "Chinese, Japanese, Korean",
    _steps,
    scripts=_SCRIPTS,
    default_for=_SCRIPTS,
    aliases=("ja", "ko"),
    stem_is_prefix=False,
    chars_per_word=1.5,
)
