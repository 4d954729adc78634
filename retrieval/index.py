"""The BM25 passage index: tantivy (Rust) over terms made by our analyzer.

Why tantivy: measured on this machine (bench/engines.py, ../shared/ANCHORS.md)
it is the only engine that meets 10 ms p99 at a million passages in well
under 1.5 GB: its block-max WAND skips most postings of common terms, where
bm25s and rank-bm25 score every matching document, and it memory-maps a
segment index from disk, so a restart is ready at once and a new article is
one small segment (searchable after ``commit``) rather than a rebuild.

Scoring is tantivy's BM25 (the Lucene formula, Robertson et al. 1994):

    score(q, d) = Σ_t  idf(t) · (k1 + 1) · tf / (tf + k1 · (1 − b + b · |d| / avgdl))
    idf(t)      = ln(1 + (N − n_t + 0.5) / (n_t + 0.5))

with k1 = 1.2 and b = 0.75 (tantivy's fixed values, which are also the
values that scored best on Cranfield among those we tried, see bench/README).
This idf is never negative, unlike the classic Robertson-Spärck Jones idf of
rank-bm25's BM25Okapi, so a term in most passages still counts a little.
|d| is stored as a one-byte "fieldnorm", exact up to 40 terms and within a
few percent above. Each passage also carries its article's headline in a
second field scored the same way and weighted by ``TITLE_BOOST``, so a
headline match lifts every passage of that article.

Documents are pre-analysed: the text fields hold our terms joined by spaces
and tantivy only splits on white space, so analysis (stemming, Persian
normalisation) stays in one Python place for documents and queries alike.
The directory also holds ``newsbot-index.json`` with the parameters, format
version and the last store change applied.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import NamedTuple

import tantivy

from retrieval.analyzer import Analyzer
from retrieval.errors import IndexBusyError
from retrieval.models import IndexDocument

FORMAT_VERSION = 1
ANALYZER_VERSION = 1
TITLE_BOOST = 1.0
_PARAMS_FILE = "newsbot-index.json"
_TOKENIZER = "newsbot_terms"
_WRITER_HEAP_BYTES = 64_000_000
WRITER_WAIT_SECONDS = 10.0
# Below this many passages every query is fast, and a term in most of them is
# usually the archive's subject ("Iran" in an archive about Iran): keep it.
PRUNE_COMMON_TERMS_FROM = 10_000


class IndexHit(NamedTuple):
    """A passage matching a query, with its BM25 score."""

    passage_id: int
    article_id: int
    score: float


@dataclass(frozen=True, slots=True)
class IndexParams:
    """What the params file records; a mismatch means rebuild."""

    format: int = FORMAT_VERSION
    analyzer: int = ANALYZER_VERSION
    engine: str = f"tantivy {getattr(tantivy, '__version__', '')}".strip()
    k1: float = 1.2
    b: float = 0.75
    idf: str = "ln(1 + (N - n + 0.5) / (n + 0.5))"
    title_boost: float = TITLE_BOOST
    applied_change: int = 0

    def compatible(self, other: IndexParams) -> bool:
        return (self.format, self.analyzer, self.title_boost) == (other.format, other.analyzer, other.title_boost)


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("passage_id", stored=False, indexed=False, fast=True)
    builder.add_unsigned_field("article_id", stored=False, indexed=True, fast=True)
    builder.add_text_field("text", tokenizer_name=_TOKENIZER, index_option="freq")
    builder.add_text_field("title", tokenizer_name=_TOKENIZER, index_option="freq")
    return builder.build()


def _terms_analyzer() -> tantivy.TextAnalyzer:
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()


def index_exists(path: Path) -> bool:
    """True when ``path`` holds a newsbot index (its params file and a tantivy index)."""
    return (path / _PARAMS_FILE).exists() and tantivy.Index.exists(str(path))


class PassageIndex:
    """A tantivy index of passages on disk (or in memory when ``path`` is None)."""

    def __init__(self, path: Path | None, analyzer: Analyzer, prune_from: int = PRUNE_COMMON_TERMS_FROM) -> None:
        self.path = path
        self.analyzer = analyzer
        self.prune_from = prune_from
        self._schema = _schema()
        self._writer: tantivy.IndexWriter | None = None
        self.needs_rebuild = False
        self.params = IndexParams()
        if path is None:
            self._index = tantivy.Index(self._schema)
        else:
            path.mkdir(parents=True, exist_ok=True)
            stored = self._read_params()
            if stored is None or not stored.compatible(IndexParams()) or not index_exists(path):
                self._wipe()
                self.needs_rebuild = True
            else:
                self.params = stored
            self._index = tantivy.Index(self._schema, path=str(path))
        self._index.register_tokenizer(_TOKENIZER, _terms_analyzer())

    def _read_params(self) -> IndexParams | None:
        assert self.path is not None
        try:
            raw = json.loads((self.path / _PARAMS_FILE).read_text())
            return IndexParams(**raw)
        except (OSError, ValueError, TypeError):
            return None

    def _write_params(self) -> None:
        if self.path is None:
            return
        target = self.path / _PARAMS_FILE
        temporary = target.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(self.params), indent=2))
        os.replace(temporary, target)

    def _wipe(self) -> None:
        assert self.path is not None
        for entry in self.path.iterdir():
            if entry.is_file():
                entry.unlink()

    @property
    def applied_change(self) -> int:
        """The last store change seq this index reflects."""
        return self.params.applied_change

    def refresh_params(self) -> None:
        """Adopt a later ``applied_change`` written by another process's commit,
        and see that commit now rather than when tantivy's file watcher fires."""
        if self.path is None:
            return
        stored = self._read_params()
        if stored is not None and stored.compatible(self.params) and stored.applied_change > self.applied_change:
            self.params = stored
            self._index.reload()

    def _writer_or_busy(self) -> tantivy.IndexWriter:
        """The index writer; waits up to ``WRITER_WAIT_SECONDS`` for another process's."""
        deadline = time.monotonic() + WRITER_WAIT_SECONDS
        while self._writer is None:
            try:
                self._writer = self._index.writer(heap_size=_WRITER_HEAP_BYTES, num_threads=1)
            except ValueError as error:
                if "Lock" not in str(error):
                    raise
                if time.monotonic() > deadline:
                    raise IndexBusyError(
                        "the search index is being written by another newsbot process; try again in a moment"
                    ) from error
                time.sleep(0.05)
        return self._writer

    def replace_articles(self, article_ids: Iterable[int], documents: Iterable[IndexDocument]) -> None:
        """Drop every passage of ``article_ids``, then add ``documents`` (not yet committed)."""
        writer = self._writer_or_busy()
        for article_id in article_ids:
            # delete_documents_by_term builds a signed term for a Python int and
            # so misses u64 fields; a term query resolves the field's type.
            writer.delete_documents_by_query(tantivy.Query.term_query(self._schema, "article_id", article_id))
        self.add(documents)

    def add(self, documents: Iterable[IndexDocument]) -> None:
        """Add passages (not yet committed)."""
        writer = self._writer_or_busy()
        terms = self.analyzer.terms
        for doc in documents:
            entry = tantivy.Document()
            entry.add_unsigned("passage_id", doc.passage_id)
            entry.add_unsigned("article_id", doc.article_id)
            entry.add_text("text", " ".join(terms(doc.text)))
            entry.add_text("title", " ".join(terms(doc.title)))
            writer.add_document(entry)

    def clear(self) -> None:
        """Remove every passage (not yet committed)."""
        self._writer_or_busy().delete_all_documents()

    def commit(self, applied_change: int) -> None:
        """Publish pending changes, record the store change they reach, free the writer.

        The writer is released after every commit so another process (say
        ``newsbot load`` beside the running bot) can write the index too;
        tantivy keeps one writer per index at a time.
        """
        if self._writer is not None:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = None
            self._index.reload()
        self.params = IndexParams(**{**asdict(self.params), "applied_change": applied_change})
        self.needs_rebuild = False
        self._write_params()

    def close(self) -> None:
        """Drop uncommitted changes and release the writer lock."""
        if self._writer is not None:
            self._writer.rollback()
            self._writer = None

    def search(self, terms: Sequence[str], limit: int) -> list[IndexHit]:
        """Top ``limit`` passages for analysed query ``terms``, best first."""
        if not terms or limit <= 0:
            return []
        clauses = []
        for term in terms:
            clauses.append((tantivy.Occur.Should, self._term_query("text", term)))
            clauses.append(
                (tantivy.Occur.Should, tantivy.Query.boost_query(self._term_query("title", term), TITLE_BOOST))
            )
        searcher = self._index.searcher()
        result = searcher.search(tantivy.Query.boolean_query(clauses), limit=limit, count=False)
        addresses = [address for _, address in result.hits]
        passage_ids = searcher.fast_field_values("passage_id", addresses)
        article_ids = searcher.fast_field_values("article_id", addresses)
        return [
            IndexHit(passage_id, article_id, score)
            for (score, _), passage_id, article_id in zip(result.hits, passage_ids, article_ids)
        ]

    def informative_terms(self, terms: Sequence[str]) -> list[str]:
        """Leave out terms found in more than half the passages, unless nothing else matches.

        Only in an index of at least ``prune_from`` passages. Such a term has
        a negative Robertson-Spärck Jones idf (the classic BM25 idf counts it
        as evidence *against* relevance) and adds less than ln 2 per match
        under ours, yet its postings cover most of the index:
        scoring them is what made 1M-passage queries slow (p99 15 ms → 5 ms
        without them, bench/README.md). On Cranfield no ranking changes.
        """
        searcher = self._index.searcher()
        if searcher.num_docs < self.prune_from:
            return list(terms)
        half = searcher.num_docs / 2
        kept = [term for term in terms if 0 < searcher.doc_freq("text", term) <= half]
        return kept or list(terms)

    def term_weights(self, terms: Sequence[str]) -> dict[str, float]:
        """The idf of each term in passage text (as in the formula above)."""
        searcher = self._index.searcher()
        total = max(1, searcher.num_docs)
        weights = {}
        for term in terms:
            frequency = searcher.doc_freq("text", term)
            weights[term] = math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))
        return weights

    def _term_query(self, field: str, term: str) -> tantivy.Query:
        return tantivy.Query.term_query(self._schema, field, term, index_option="freq")

    @property
    def num_docs(self) -> int:
        return self._index.searcher().num_docs

    def size_bytes(self) -> int:
        if self.path is None:
            return 0
        return sum(entry.stat().st_size for entry in self.path.iterdir() if entry.is_file())
