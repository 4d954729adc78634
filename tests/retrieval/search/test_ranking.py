"""Our BM25 (tantivy over our terms) against rank-bm25, the reference library.

rank-bm25's BM25Okapi computes the same per-term formula; only its idf
differs (Robertson-Spärck Jones with an epsilon floor), so the reference is
BM25Okapi with the idf our engine documents: ln(1 + (N - n + 0.5) / (n + 0.5)).
"""

from __future__ import annotations

import math
import random

import pytest
from rank_bm25 import BM25Okapi

from retrieval.models import IndexArticle, PassageSpan
from retrieval.search.index import SearchIndex
from retrieval.text.analyzer import Analyzer


def one_passage(article_id: int, text: str, title: str = "") -> IndexArticle:
    """An article whose whole body is its one passage (passage id = article id)."""
    return IndexArticle(article_id, title, text, None, (PassageSpan(article_id, 0, len(text)),))


class LuceneIdfBM25(BM25Okapi):
    """BM25Okapi with the non-negative Lucene idf tantivy uses."""

    def _calc_idf(self, nd: dict[str, int]) -> None:
        for word, freq in nd.items():
            self.idf[word] = math.log(1 + (self.corpus_size - freq + 0.5) / (freq + 0.5))


def corpus(seed: int, size: int, min_words: int, max_words: int) -> list[str]:
    rng = random.Random(seed)
    vocabulary = [f"word{i}" for i in range(300)]
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    return [
        " ".join(rng.choices(vocabulary, weights, k=rng.randint(min_words, max_words))) for _ in range(size)
    ]


def queries(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(f"word{rng.randint(0, 120)}" for _ in range(rng.randint(1, 4))) for _ in range(count)]


def build(texts: list[str]) -> tuple[SearchIndex, LuceneIdfBM25, Analyzer]:
    analyzer = Analyzer()
    index = SearchIndex(None, analyzer)
    index.add(one_passage(i + 1, text) for i, text in enumerate(texts))
    index.commit(0)
    reference = LuceneIdfBM25([analyzer.terms(text) for text in texts], k1=1.2, b=0.75)
    return index, reference, analyzer


def test_scores_equal_rank_bm25_on_short_passages() -> None:
    # Up to 40 terms tantivy stores document lengths exactly, so scores match.
    texts = corpus(seed=1, size=200, min_words=3, max_words=40)
    index, reference, analyzer = build(texts)
    for query in queries(seed=2, count=40):
        terms = analyzer.query_terms(query)
        expected = reference.get_scores(terms)
        hits = index.search(terms, limit=len(texts))
        assert hits, query
        for hit in hits:
            assert hit.score == pytest.approx(expected[hit.passage_id - 1], rel=1e-4)
        matching = sum(1 for score in expected if score > 0)
        assert len(hits) == matching


def test_top10_agrees_with_rank_bm25_on_passage_sized_documents() -> None:
    # At 60-120 terms lengths are stored in 1-byte buckets: scores may move a
    # little, rankings must not change beyond near-ties.
    texts = corpus(seed=3, size=300, min_words=60, max_words=120)
    index, reference, analyzer = build(texts)
    overlaps = []
    for query in queries(seed=4, count=40):
        terms = analyzer.query_terms(query)
        expected = reference.get_scores(terms)
        best = sorted(range(len(texts)), key=lambda i: -expected[i])[:10]
        ours = [hit.passage_id - 1 for hit in index.search(terms, limit=10)]
        overlaps.append(len(set(best) & set(ours)) / 10)
        for hit in index.search(terms, limit=10):
            assert hit.score == pytest.approx(expected[hit.passage_id - 1], rel=0.05)
    assert sum(overlaps) / len(overlaps) >= 0.95


def test_headline_match_lifts_its_article() -> None:
    analyzer = Analyzer()
    index = SearchIndex(None, analyzer)
    index.add(
        [
            one_passage(1, "Albania and the MEK were discussed at length today.", "Weather report"),
            one_passage(2, "Albania and the MEK were discussed at length today.", "Albania hosts the MEK"),
            one_passage(3, "Nothing about either here, only football.", "Sports"),
        ]
    )
    index.commit(0)
    terms = analyzer.query_terms("Albania MEK")
    assert [hit.article_id for hit in index.search_articles(terms, limit=10)] == [2, 1]
    passages = index.search(terms, limit=10)
    assert {hit.article_id for hit in passages} == {1, 2} and passages[0].score == passages[1].score


def test_an_article_is_analysed_once_and_its_passages_are_slices_of_it() -> None:
    analyzer = Analyzer()
    index = SearchIndex(None, analyzer)
    body = "Albania hosts the camp. Tirana is near. Football results follow here."
    split = body.index("Football")
    index.add([IndexArticle(7, "Camp", body, None, (PassageSpan(70, 0, split), PassageSpan(71, split, len(body))))])
    index.commit(0)
    assert [hit.passage_id for hit in index.search(["tirana"], 10)] == [70]
    assert [hit.passage_id for hit in index.search(["footbal"], 10)] == [71]
    assert [hit.article_id for hit in index.search_articles(["tirana", "footbal"], 10)] == [7]


def test_terms_in_most_passages_are_left_out_unless_alone() -> None:
    analyzer = Analyzer()
    index = SearchIndex(None, analyzer, prune_from=5)
    index.add(one_passage(i, f"Iran news item {i}" + (" nuclear" if i == 3 else "")) for i in range(1, 6))
    index.commit(0)
    assert index.informative_terms(["iran", "nuclear"]) == ["nuclear"]
    assert index.informative_terms(["iran", "news"]) == ["iran", "news"]
    assert index.informative_terms(["iran", "zebra"]) == ["iran", "zebra"]


def test_small_indexes_keep_every_term() -> None:
    analyzer = Analyzer()
    index = SearchIndex(None, analyzer, prune_from=6)
    index.add(one_passage(i, f"Iran news item {i}") for i in range(1, 6))
    index.commit(0)
    assert index.informative_terms(["iran", "news"]) == ["iran", "news"]
    assert index.informative_terms(["iran", "item"]) == ["iran", "item"]
