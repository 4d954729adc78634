"""Whether a new article is one a reader following a topic wants: pure, no I/O.

A topic is the analysed terms of the words a reader follows ("MEK Albania"
→ ``mek``, ``albania``), analysed in the language it is written in (among the
archive's, as a question is: ``retrieval.text.questions``; a topic in
Russian is stemmed as Russian), and an article in its own, so the two
meet. An article
matches when it holds every term, and they are what it is about rather than
a passing mention: in its headline, or prominent in its text by BM25.

``prominence`` is the BM25 score of the article's text (headline left
out) for the topic's terms, divided by the most those terms can score, so
it reads the same for one word or four: each term contributes
``tf·(k1+1)/(tf + k1·(1−b+b·|d|/avgdl))`` out of ``k1+1``, weighted by its
idf. One mention in an article of average length scores 0.45; three in a
short one (200 terms) or seven in an average one, 0.85. ``MIN_PROMINENCE``
was chosen on real news (bench/topics.py, bench/README): over rtqa-dev's
articles, with topics drawn from headlines and "the article's headline
holds the topic" standing in for "a reader following it wants this", 0.85
has the best F1 (0.61; precision 0.64 is a floor, as articles about a topic
without it in their headline count as misses).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from retrieval.text.analyzer import Analyzer
from retrieval.text.languages import DEFAULT
from retrieval.text.questions import question_languages

K1 = 1.2
B = 0.75
MIN_PROMINENCE = 0.85
MAX_TOPIC_TERMS = 6


@dataclass(frozen=True, slots=True)
class Topic:
    """Words a chat follows, and their analysed terms (sorted: the same topic written twice is one)."""

    id: int
    chat_id: int
    words: str
    terms: tuple[str, ...]


def topic_terms(analyzer: Analyzer, words: str, languages: Mapping[str, int] | Sequence[str] = ()) -> tuple[str, ...]:
    """The terms a topic matches on, sorted; empty when the words are all common ones.

    ``languages`` are the archive's (its articles per language): the topic is analysed in the likeliest
    one it is written in, and in that one only (an article must hold every
    term, and one word stemmed two ways would be two terms to hold).
    """
    language = question_languages(words, languages)[0]
    return tuple(sorted(set(analyzer.query_terms(words, language))))


@dataclass(frozen=True, slots=True)
class ArticleTerms:
    """A new article as matching sees it: its headline's terms and its text's term counts."""

    article_id: int
    headline: frozenset[str]
    counts: Counter[str]
    length: int


def article_terms(analyzer: Analyzer, article_id: int, title: str, body: str, language: str = DEFAULT) -> ArticleTerms:
    """A new article's terms as search indexes them (in its language)."""
    terms = analyzer.terms(body, language)
    return ArticleTerms(article_id, frozenset(analyzer.terms(title, language)), Counter(terms), len(terms))


class ArticleScorer:
    """Scores one article against many topics: each term's BM25 part is computed once, on first use."""

    def __init__(self, article: ArticleTerms, idf: Mapping[str, float], average_length: float) -> None:
        self.article = article
        self.idf = idf
        self.norm = K1 * (1 - B + B * article.length / max(1.0, average_length))
        self.present = article.headline | article.counts.keys()
        self._parts: dict[str, tuple[float, float]] = {}

    def _part(self, term: str) -> tuple[float, float]:
        """The term's score in the text, and the most it could score."""
        part = self._parts.get(term)
        if part is None:
            weight = max(self.idf.get(term, 0.0), 1e-6)
            frequency = self.article.counts.get(term, 0)
            part = self._parts[term] = (weight * frequency * (K1 + 1) / (frequency + self.norm), weight * (K1 + 1))
        return part

    def prominence(self, terms: Sequence[str]) -> float:
        """How much the text is about ``terms``: its BM25 for them over the most they can score (0..1)."""
        score = best = 0.0
        for term in terms:
            got, most = self._part(term)
            score += got
            best += most
        return score / best if best else 0.0

    def matches(self, topic: Topic, threshold: float = MIN_PROMINENCE) -> bool:
        """True when the article holds all of the topic's terms, in its headline or prominently in its text."""
        if not all(term in self.present for term in topic.terms):
            return False
        if all(term in self.article.headline for term in topic.terms):
            return True
        return self.prominence(topic.terms) >= threshold
