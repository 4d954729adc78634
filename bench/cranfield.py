"""Ranking quality on Cranfield: nDCG@10 and recall@100 for each ranker.

    python bench/cranfield.py [../shared/data/cranfield]

Graded gain 2^g - 1 with g = 5 - relevance code (codes 1..4; -1 rows are not
judgements), averaged over the 225 queries. Documents are title + abstract
(the .W field, which already begins with the title). Every ranker but the
last uses our analyzer (NFKC, case-fold, English stopwords, Snowball):

* newsbot engine      our index, one document per abstract, no chunking;
* newsbot pipeline    what the bot runs: abstracts chunked into passages,
                      each document also whole with its title (.T) as the
                      headline, the two grains fused (retrieval.search.ranking;
                      no dates here, so no recency lift);
* bm25s lucene        k1=1.2, b=0.75 (and k1=0.9, b=0.4);
* rank-bm25 BM25Okapi defaults (k1=1.5, b=0.75, epsilon=0.25);
* rank-bm25 on str.split(): the baseline without an analyzer.
"""

from __future__ import annotations

import math
import re
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval.models import IndexArticle, PassageSpan  # noqa: E402
from retrieval.search.index import SearchIndex  # noqa: E402
from retrieval.search.searcher import ranked_articles  # noqa: E402
from retrieval.text.analyzer import Analyzer  # noqa: E402
from retrieval.text.chunker import chunk  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "cranfield"
Ranker = Callable[[str], list[int]]  # question -> document ids, best first (up to 100)


def parse_fields(text: str) -> list[dict[str, str]]:
    records = []
    for block in re.split(r"^\.I ", text, flags=re.M)[1:]:
        number, _, rest = block.partition("\n")
        fields = {"id": number.strip()}
        for match in re.finditer(r"^\.([TABW])\n(.*?)(?=^\.[TABWI] |^\.[TABW]\n|\Z)", rest, flags=re.M | re.S):
            fields[match.group(1)] = " ".join(match.group(2).split())
        records.append(fields)
    return records


def load(data: Path) -> tuple[list[dict[str, str]], list[str], dict[int, dict[int, int]]]:
    documents = parse_fields((data / "cran.all.1400").read_text())
    questions = [q["W"] for q in parse_fields((data / "cran.qry").read_text())]
    judgements: dict[int, dict[int, int]] = defaultdict(dict)
    for line in (data / "cranqrel").read_text().splitlines():
        query, document, code = (int(x) for x in line.split())
        if 1 <= code <= 4:
            judgements[query][document] = 2 ** (5 - code) - 1
    return documents, questions, judgements


def evaluate(ranker: Ranker, questions: list[str], judgements: dict[int, dict[int, int]]) -> tuple[float, float]:
    ndcgs, recalls = [], []
    for number, question in enumerate(questions, start=1):
        gains = judgements.get(number, {})
        ranked = ranker(question)
        dcg = sum(gains.get(doc, 0) / math.log2(rank + 2) for rank, doc in enumerate(ranked[:10]))
        ideal = sum(g / math.log2(rank + 2) for rank, g in enumerate(sorted(gains.values(), reverse=True)[:10]))
        ndcgs.append(dcg / ideal if ideal else 0.0)
        recalls.append(len(set(ranked[:100]) & set(gains)) / len(gains) if gains else 0.0)
    return sum(ndcgs) / len(ndcgs), sum(recalls) / len(recalls)


def top_ids(scores: np.ndarray, ids: list[int], k: int = 100) -> list[int]:
    best = np.argsort(-scores, kind="stable")[:k]
    return [ids[i] for i in best if scores[i] > 0]


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA
    if not (data / "cran.all.1400").exists():
        print(f"Cranfield data not found at {data}; skipping.")
        return
    documents, questions, judgements = load(data)
    analyzer = Analyzer()
    ids = [int(d["id"]) for d in documents]
    texts = [d.get("W", "") for d in documents]
    analysed = [analyzer.terms(text) for text in texts]
    rankers: dict[str, Ranker] = {}

    engine = SearchIndex(None, analyzer)
    engine.add(IndexArticle(i, "", text, None, (PassageSpan(i, 0, len(text)),)) for i, text in zip(ids, texts))
    engine.commit(0)
    rankers["newsbot engine (tantivy BM25, k1=1.2 b=0.75)"] = lambda q: [
        hit.article_id for hit in engine.search(analyzer.query_terms(q), 100)
    ]

    pipeline = SearchIndex(None, analyzer)
    passage_ids = iter(range(1, 10**9))
    pipeline.add(
        IndexArticle(
            doc_id,
            document.get("T", ""),
            document.get("W", ""),
            None,
            tuple(PassageSpan(next(passage_ids), piece.start, piece.end) for piece in chunk(document.get("W", ""))),
        )
        for doc_id, document in zip(ids, documents)
    )
    pipeline.commit(0)
    rankers["newsbot pipeline (passages + whole documents)"] = lambda q: [
        item.article_id for item in ranked_articles(pipeline, analyzer.query_terms(q), 100, 0)[:100]
    ]

    import bm25s
    from rank_bm25 import BM25Okapi

    for k1, b in ((1.2, 0.75), (0.9, 0.4)):
        model = bm25s.BM25(k1=k1, b=b, method="lucene")
        model.index(analysed, show_progress=False)

        def bm25s_ranker(q: str, model: bm25s.BM25 = model) -> list[int]:
            terms = [t for t in analyzer.terms(q) if t in model.vocab_dict]
            if not terms:
                return []
            return top_ids(model.get_scores(terms), ids)

        rankers[f"bm25s lucene k1={k1} b={b}"] = bm25s_ranker
    okapi = BM25Okapi(analysed)
    rankers["rank-bm25 BM25Okapi (defaults)"] = lambda q: top_ids(okapi.get_scores(analyzer.terms(q)), ids)
    plain = BM25Okapi([text.split() for text in texts])
    rankers["rank-bm25 on plain str.split()"] = lambda q: top_ids(plain.get_scores(q.split()), ids)

    print(f"Cranfield: {len(documents)} documents, {len(questions)} queries")
    print(f"{'ranker':<48} {'nDCG@10':>8} {'R@100':>8}")
    for name, ranker in rankers.items():
        ndcg, recall = evaluate(ranker, questions, judgements)
        print(f"{name:<48} {ndcg:>8.4f} {recall:>8.4f}")


if __name__ == "__main__":
    main()
