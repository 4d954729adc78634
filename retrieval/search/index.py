"""The BM25 index: tantivy (Rust) over terms made by our analyzer, at two grains.

Why tantivy: measured on this machine (bench/engines.py, ../shared/ANCHORS.md)
it is the only engine that meets 10 ms p99 at a million passages in well
under 1.5 GB: its block-max WAND skips most postings of common terms, where
bm25s and rank-bm25 score every matching document, and it memory-maps a
segment index from disk, so a restart is ready at once and a new article is
one small segment (searchable after ``commit``) rather than a rebuild.

Two tantivy indexes live side by side, written and committed together:

* **passages** (``passages/``): one document per stored passage, its text
  only. It finds the place in an article that matches best.
* **articles** (``articles/``): one document per article, the whole body in
  ``text`` and the headline in ``title`` (weighted by ``TITLE_BOOST``), with
  the publication day as a fast field. It scores an article on all of its
  evidence, which one passage cannot: on rtqa-dev (bench/qa.py) passage-only
  ranking put the gold article first for 0.54 of the questions, whole
  articles alone 0.56, the two fused 0.57 (see ``retrieval.search.ranking``).

Scoring is tantivy's BM25 (the Lucene formula, Robertson et al. 1994):

    score(q, d) = Σ_t  idf(t) · (k1 + 1) · tf / (tf + k1 · (1 − b + b · |d| / avgdl))
    idf(t)      = ln(1 + (N − n_t + 0.5) / (n_t + 0.5))

with k1 = 1.2 and b = 0.75 (tantivy's fixed values, which are also the
values that scored best on Cranfield among those we tried, see bench/README).
This idf is never negative, unlike the classic Robertson-Spärck Jones idf of
rank-bm25's BM25Okapi, so a term in most passages still counts a little.
|d| is stored as a one-byte "fieldnorm", exact up to 40 terms and within a
few percent above.

Documents are pre-analysed: the text fields hold our terms joined by spaces
and tantivy only splits on white space, so analysis (stemming, Persian
normalisation) stays in one Python place for documents and queries alike.
An article's body is analysed once; its passages' terms are the slices of
that analysis between their offsets. The directory also holds
``newsbot-index.json`` with the parameters, format version and the last
store change applied.
"""

from __future__ import annotations

import bisect
import json
import math
import os
import shutil
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import tantivy

from retrieval.errors import IndexBusyError
from retrieval.models import IndexArticle
from retrieval.text.analyzer import Analyzer
from retrieval.text.languages import known_codes
from retrieval.text.questions import archive_languages

FORMAT_VERSION = 4
# 3: the article grain keeps each article's language (field "lang"); 4: and its terms by language ("lang_terms").
# 2: Persian compounds, inflections and stopwords; 3: each article analysed in its language
# (retrieval/text/languages/). An index of an older version is rebuilt when the archive opens.
ANALYZER_VERSION = 3
# Weight of a headline match against the body in the article index: 0.7 did
# best on both Cranfield (titles of abstracts) and rtqa-dev (news headlines)
# among 0.3-2.0 (bench/README.md).
TITLE_BOOST = 0.7
_PARAMS_FILE = "newsbot-index.json"
_PASSAGES_DIR = "passages"
_ARTICLES_DIR = "articles"
_TOKENIZER = "newsbot_terms"
_WRITER_HEAP_BYTES = 32_000_000
WRITER_WAIT_SECONDS = 10.0
# Below this many passages every query is fast, and a term in most of them is
# usually the archive's subject ("Iran" in an archive about Iran): keep it.
PRUNE_COMMON_TERMS_FROM = 10_000
# The publication day stored for an undated article.
NO_DATE = -(2**40)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class IndexHit(NamedTuple):
    """A passage matching a query, with its BM25 score and its article's publication day."""

    passage_id: int
    article_id: int
    score: float
    published_day: int | None = None


class ArticleHit(NamedTuple):
    """An article matching a query, its BM25 score, its publication day (None if undated) and its language."""

    article_id: int
    score: float
    published_day: int | None
    language: str = ""


def language_number(code: str) -> int:
    """A language code as the number the article grain's fast field keeps ("en" → 5 · 27 + 14; "" → 0)."""
    number = 0
    for letter in code[:3]:
        number = number * 27 + (ord(letter) - ord("a") + 1 if "a" <= letter <= "z" else 0)
    return number


def language_code(number: int) -> str:
    """The code ``language_number`` made ``number`` of."""
    letters = []
    while number:
        number, letter = divmod(number, 27)
        letters.append(chr(ord("a") + letter - 1) if letter else "")
    return "".join(reversed(letters))


def _language_term(code: str, term: str) -> str:
    """A term as the "lang_terms" field holds it for articles in language ``code``: "ru:москв"."""
    return f"{code}:{term}"


def _idf(total: int, frequency: int) -> float:
    """BM25's idf of a term in ``frequency`` of ``total`` documents (tantivy's, and the quote's)."""
    return math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))


def day_number(moment: datetime) -> int:
    """Days since 1970-01-01 (UTC): the unit of the publication fast field."""
    return (moment.astimezone(UTC) - _EPOCH).days


@dataclass(frozen=True, slots=True)
class IndexParams:
    """What the params file records; a mismatch means rebuild."""

    format: int = FORMAT_VERSION
    analyzer: int = ANALYZER_VERSION
    engine: str = f"tantivy {getattr(tantivy, '__version__', '')}".strip()
    k1: float = 1.2
    b: float = 0.75
    idf: str = "ln(1 + (N - n + 0.5) / (n + 0.5))"
    applied_change: int = 0
    # The store this index mirrors (``SqlStore.generation``): a restored store is another one.
    store: str = ""

    def compatible(self, other: IndexParams) -> bool:
        return (self.format, self.analyzer) == (other.format, other.analyzer)


def _passage_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("passage_id", stored=False, indexed=False, fast=True)
    builder.add_unsigned_field("article_id", stored=False, indexed=True, fast=True)
    builder.add_integer_field("published", stored=False, indexed=False, fast=True)
    builder.add_text_field("text", tokenizer_name=_TOKENIZER, index_option="freq")
    return builder.build()


def _article_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("article_id", stored=False, indexed=True, fast=True)
    builder.add_integer_field("published", stored=False, indexed=False, fast=True)
    builder.add_text_field("text", tokenizer_name=_TOKENIZER, index_option="freq")
    builder.add_text_field("title", tokenizer_name=_TOKENIZER, index_option="freq")
    # The article's language code: how many articles each language has (``SearchIndex.language_counts``),
    # and as a number a question's language lifts its articles by (``retrieval.search.ranking``).
    builder.add_text_field("lang", tokenizer_name=_TOKENIZER, index_option="basic")
    builder.add_unsigned_field("language", stored=False, indexed=False, fast=True)
    # Each distinct term of the article once, prefixed by its language ("ru:москв"): how many articles of a
    # language hold a term is one lookup (``SearchIndex.language_weights``).
    builder.add_text_field("lang_terms", tokenizer_name=_TOKENIZER, index_option="basic")
    return builder.build()


def index_exists(path: Path) -> bool:
    """True when ``path`` holds a newsbot index (its params file and both tantivy indexes)."""
    return (path / _PARAMS_FILE).exists() and all(
        tantivy.Index.exists(str(path / name)) for name in (_PASSAGES_DIR, _ARTICLES_DIR)
    )


def read_params(path: Path) -> IndexParams | None:
    """The params file of the index (or snapshot) folder ``path``; None when it is missing or unreadable."""
    try:
        raw = json.loads((path / _PARAMS_FILE).read_text())
        known = {field.name for field in fields(IndexParams)}
        return IndexParams(**{key: value for key, value in raw.items() if key in known})
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def _copy_files(source: Path, target: Path) -> None:
    """Copy an index's two grains (not their lock files), then its params file: a copy cut short has none."""
    for name in (_PASSAGES_DIR, _ARTICLES_DIR):
        shutil.copytree(source / name, target / name, ignore=shutil.ignore_patterns("*.lock"))
    shutil.copy2(source / _PARAMS_FILE, target / _PARAMS_FILE)


def folder_bytes(path: Path) -> int:
    """The size of every file under ``path``: an index's or a snapshot's."""
    return sum(entry.stat().st_size for entry in path.rglob("*") if entry.is_file())


class _Grain:
    """One tantivy index (passages or articles) and its writer, held only while writing."""

    def __init__(self, schema: tantivy.Schema, path: Path | None) -> None:
        self.schema = schema
        if path is None:
            self.index = tantivy.Index(schema)
        else:
            path.mkdir(parents=True, exist_ok=True)
            self.index = tantivy.Index(schema, path=str(path))
        self.index.register_tokenizer(_TOKENIZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
        self.writer: tantivy.IndexWriter | None = None

    def writer_or_busy(self) -> tantivy.IndexWriter:
        """The writer; waits up to ``WRITER_WAIT_SECONDS`` for another process's."""
        deadline = time.monotonic() + WRITER_WAIT_SECONDS
        while self.writer is None:
            try:
                self.writer = self.index.writer(heap_size=_WRITER_HEAP_BYTES, num_threads=1)
            except ValueError as error:
                if "Lock" not in str(error):
                    raise
                if time.monotonic() > deadline:
                    raise IndexBusyError(
                        "the search index is being written by another newsbot process; try again in a moment"
                    ) from error
                time.sleep(0.05)
        return self.writer

    def delete_article(self, article_id: int) -> None:
        # delete_documents_by_term builds a signed term for a Python int and
        # so misses u64 fields; a term query resolves the field's type.
        query = tantivy.Query.term_query(self.schema, "article_id", article_id)
        self.writer_or_busy().delete_documents_by_query(query)

    def commit(self) -> None:
        if self.writer is not None:
            self.writer.commit()
            self.writer.wait_merging_threads()
            self.writer = None
            self.index.reload()

    def rollback(self) -> None:
        if self.writer is not None:
            self.writer.rollback()
            self.writer = None

    def term_query(self, field: str, term: str) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, field, term, index_option="freq")

    def weighted_query(self, field: str, term: str, weights: Mapping[str, float] | None) -> tantivy.Query:
        """The term's query, its score times its weight when it has one."""
        query = self.term_query(field, term)
        weight = weights.get(term) if weights else None
        return query if weight is None else tantivy.Query.boost_query(query, weight)


class SearchIndex:
    """The passage and article indexes on disk (or in memory when ``path`` is None)."""

    def __init__(self, path: Path | None, analyzer: Analyzer, prune_from: int = PRUNE_COMMON_TERMS_FROM) -> None:
        self.path = path
        self.analyzer = analyzer
        self.prune_from = prune_from
        self.needs_rebuild = False
        self.params = IndexParams()
        if path is not None:
            path.mkdir(parents=True, exist_ok=True)
            stored = self._read_params()
            if stored is None or not stored.compatible(IndexParams()) or not index_exists(path):
                self._wipe()
                self.needs_rebuild = True
            else:
                self.params = stored
        self._passages = _Grain(_passage_schema(), None if path is None else path / _PASSAGES_DIR)
        self._articles = _Grain(_article_schema(), None if path is None else path / _ARTICLES_DIR)
        self._language_counts: dict[str, int] | None = None

    def language_counts(self) -> dict[str, int]:
        """Articles indexed per language, of the languages that have a folder (the ``lang`` terms of the
        article grain). Counted again only after the index changes: a question costs a dict lookup."""
        counts = self._language_counts
        if counts is None:
            grain = self._articles
            searcher = grain.index.searcher()
            counts = {}
            for code in known_codes():
                if searcher.doc_freq("lang", code):  # cheap, but counts deleted articles until a merge
                    live = searcher.search(grain.term_query("lang", code), limit=1, count=True).count
                    if live:
                        counts[code] = live
            self._language_counts = counts
        return counts

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages of the articles indexed, sorted."""
        return tuple(sorted(self.language_counts()))

    def _read_params(self) -> IndexParams | None:
        assert self.path is not None
        return read_params(self.path)

    def _write_params(self) -> None:
        if self.path is None:
            return
        target = self.path / _PARAMS_FILE
        temporary = target.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(self.params), indent=2))
        os.replace(temporary, target)

    def _wipe(self) -> None:
        """Remove every index file (an older format keeps its files at the top level)."""
        assert self.path is not None
        for entry in self.path.iterdir():
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
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
            self._language_counts = None
            self._passages.index.reload()
            self._articles.index.reload()

    def replace_articles(self, article_ids: Iterable[int], articles: Iterable[IndexArticle]) -> None:
        """Drop every document of ``article_ids``, then add ``articles`` (not yet committed)."""
        for article_id in article_ids:
            self._passages.delete_article(article_id)
            self._articles.delete_article(article_id)
        self.add(articles)

    def add(self, articles: Iterable[IndexArticle]) -> None:
        """Add articles and their passages (not yet committed)."""
        passage_writer = self._passages.writer_or_busy()
        article_writer = self._articles.writer_or_busy()
        for article in articles:
            # A row without a language (stored by an older version beside this one) is analysed as before
            # languages were kept (``UNDETERMINED``) until a rebuild detects and stores its language.
            language = article.language
            tokens = self.analyzer.tokens(article.body, language)
            starts = [token.start for token in tokens]
            terms = [token.term for token in tokens]
            published = NO_DATE if article.published is None else day_number(article.published)
            entry = tantivy.Document()
            entry.add_unsigned("article_id", article.article_id)
            entry.add_integer("published", published)
            entry.add_text("text", " ".join(terms))
            entry.add_text("title", " ".join(self.analyzer.terms(article.title, language)))
            if language:
                entry.add_text("lang", language)
                entry.add_text("lang_terms", " ".join(_language_term(language, term) for term in dict.fromkeys(terms)))
            entry.add_unsigned("language", language_number(language))
            article_writer.add_document(entry)
            for passage in article.passages:
                first, last = bisect.bisect_left(starts, passage.start), bisect.bisect_left(starts, passage.end)
                entry = tantivy.Document()
                entry.add_unsigned("passage_id", passage.passage_id)
                entry.add_unsigned("article_id", article.article_id)
                entry.add_integer("published", published)
                entry.add_text("text", " ".join(terms[first:last]))
                passage_writer.add_document(entry)

    def clear(self) -> None:
        """Remove every document (not yet committed)."""
        self._passages.writer_or_busy().delete_all_documents()
        self._articles.writer_or_busy().delete_all_documents()

    def commit(self, applied_change: int, store: str | None = None) -> None:
        """Publish pending changes, record the store change they reach, free the writers.

        The writers are released after every commit so another process (say
        ``newsbot load`` beside the running bot) can write the index too;
        tantivy keeps one writer per index at a time. Should a crash fall
        between the two commits, the params file still names the earlier
        change, and replaying the change log (idempotent) repairs both.
        """
        self._passages.commit()
        self._articles.commit()
        self._language_counts = None
        changed = {"applied_change": applied_change} if store is None else {"applied_change": applied_change, "store": store}
        self.params = IndexParams(**{**asdict(self.params), **changed})
        self.needs_rebuild = False
        self._write_params()

    def close(self) -> None:
        """Drop uncommitted changes and release the writer locks."""
        self._passages.rollback()
        self._articles.rollback()

    def verify(self) -> str | None:
        """What is wrong with the files on disk, if anything: a folder gone, a file cut short or garbled.

        Opens both indexes afresh, as another process would, so it sees what
        this process's memory-mapped readers may still hide (a deleted folder
        keeps answering until the next commit; a truncated segment answers
        nothing at all). Reads no document: a few milliseconds.
        """
        if self.path is None:
            return None
        if not (self.path / _PARAMS_FILE).exists():
            return f"its files are gone from {self.path}"
        for name in (_PASSAGES_DIR, _ARTICLES_DIR):
            folder = self.path / name
            try:
                if not tantivy.Index.exists(str(folder)):
                    return f"{folder} is gone"
                tantivy.Index.open(str(folder)).searcher()
            except (ValueError, OSError) as error:
                return f"a file in {folder} is damaged ({str(error)[:200]})"
        return None

    def copy_to(self, target: Path) -> None:
        """Copy the committed index (both grains and the params file) into the new folder ``target``.

        Both writers are held while copying, so no process (a load beside
        the bot, say) can commit or merge halfway: tantivy's segment files
        never change once written, and only a writer adds or removes them.
        The params file is copied last, so a folder cut short by a crash or
        a full disk is never taken for a whole index.
        """
        assert self.path is not None
        self._passages.writer_or_busy()
        self._articles.writer_or_busy()
        try:
            target.mkdir(parents=True)
            _copy_files(self.path, target)
        finally:
            self._passages.rollback()
            self._articles.rollback()

    def replace_with(self, source: Path) -> None:
        """Throw these files away and put a copy of the index in ``source`` (``copy_to``'s folder) in their place."""
        assert self.path is not None
        self._reopen(source)
        stored = self._read_params()
        if stored is None:
            raise ValueError(f"{source / _PARAMS_FILE} cannot be read")
        self.params = stored
        self.needs_rebuild = False

    def reset(self) -> None:
        """Throw the files away and start an empty index in their place (to be rebuilt from the store)."""
        assert self.path is not None
        self._reopen(None)
        self.params = IndexParams()
        self.needs_rebuild = True

    def _reopen(self, source: Path | None) -> None:
        """Drop the writers, remove every file, copy ``source``'s in (if given) and open the grains again."""
        assert self.path is not None
        for grain in (self._passages, self._articles):
            try:
                grain.rollback()
            except ValueError:  # a writer over damaged files cannot even roll back
                grain.writer = None
        self.path.mkdir(parents=True, exist_ok=True)
        self._wipe()
        if source is not None:
            _copy_files(source, self.path)
        self._passages = _Grain(_passage_schema(), self.path / _PASSAGES_DIR)
        self._articles = _Grain(_article_schema(), self.path / _ARTICLES_DIR)
        self._language_counts = None

    def language_weights(self, terms: Sequence[str], languages: Sequence[str]) -> dict[str, float]:
        """Each term's weight so that it counts as it would in an archive of ``languages`` alone (none in an
        archive of one language).

        tantivy keeps one set of statistics for the whole index, so in an
        archive of several languages the names and numbers every language
        shares (the same story told in each) look commoner than the
        question's own words, though among the articles in its language they
        are as rare as ever. A term's weight is its idf among the articles
        in ``languages`` over its idf among all (both in the article grain);
        a term those articles lack keeps 1.0. Both frequencies are lookups,
        so this costs microseconds a question.
        """
        counts = self.language_counts()
        if len(archive_languages(counts)) < 2 or not languages:
            return {}  # one language (a few stray articles aside): its statistics are the index's
        grain = self._articles
        searcher = grain.index.searcher()
        total = searcher.num_docs
        own = sum(counts.get(code, 0) for code in languages)
        if not own or own >= total:
            return {}
        weights = {}
        for term in terms:
            among_own = sum(searcher.doc_freq("lang_terms", _language_term(code, term)) for code in languages)
            if among_own:
                weights[term] = _idf(own, among_own) / _idf(total, searcher.doc_freq("text", term))
        return weights

    def search(
        self, terms: Sequence[str], limit: int, within: Sequence[int] | None = None, weights: Mapping[str, float] | None = None
    ) -> list[IndexHit]:
        """Top ``limit`` passages for analysed query ``terms``, best first; only of articles ``within``, if given;
        each term's score times its ``weights`` (``language_weights``)."""
        if not terms or limit <= 0 or within is not None and not within:
            return []
        grain = self._passages
        query = tantivy.Query.boolean_query([(tantivy.Occur.Should, grain.weighted_query("text", t, weights)) for t in terms])
        if within is not None:
            # One term query per article rather than a term set: a term set
            # marks its documents in a bitset the size of each segment, which
            # cost more than the whole search of the few passages it keeps
            # (at 1M passages 0.8 of 1.4 ms; the same hits, bench/README.md).
            articles = tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, tantivy.Query.term_query(grain.schema, "article_id", key)) for key in within]
            )
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, tantivy.Query.const_score_query(articles, 0.0)), (tantivy.Occur.Must, query)]
            )
        searcher = grain.index.searcher()
        result = searcher.search(query, limit=limit, count=False)
        addresses = [address for _, address in result.hits]
        passage_ids = searcher.fast_field_values("passage_id", addresses)
        article_ids = searcher.fast_field_values("article_id", addresses)
        days = searcher.fast_field_values("published", addresses)
        return [
            IndexHit(passage_id, article_id, score, None if day == NO_DATE else day)
            for (score, _), passage_id, article_id, day in zip(result.hits, passage_ids, article_ids, days)
        ]

    def search_articles(self, terms: Sequence[str], limit: int, weights: Mapping[str, float] | None = None) -> list[ArticleHit]:
        """Top ``limit`` whole articles (body and headline) for ``terms``, best first (``weights`` as in ``search``)."""
        if not terms or limit <= 0:
            return []
        grain = self._articles
        clauses = []
        for term in terms:
            weight = (weights or {}).get(term, 1.0)
            clauses.append((tantivy.Occur.Should, grain.weighted_query("text", term, weights)))
            clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(grain.term_query("title", term), TITLE_BOOST * weight)))
        searcher = grain.index.searcher()
        result = searcher.search(tantivy.Query.boolean_query(clauses), limit=limit, count=False)
        addresses = [address for _, address in result.hits]
        article_ids = searcher.fast_field_values("article_id", addresses)
        days = searcher.fast_field_values("published", addresses)
        languages = searcher.fast_field_values("language", addresses)
        return [
            ArticleHit(article_id, score, None if day == NO_DATE else day, language_code(language))
            for (score, _), article_id, day, language in zip(result.hits, article_ids, days, languages)
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
        searcher = self._passages.index.searcher()
        if searcher.num_docs < self.prune_from:
            return list(terms)
        half = searcher.num_docs / 2
        kept = [term for term in terms if 0 < searcher.doc_freq("text", term) <= half]
        return kept or list(terms)

    def term_weights(self, terms: Sequence[str]) -> dict[str, float]:
        """The idf of each term in passage text (as in the formula above)."""
        searcher = self._passages.index.searcher()
        total = max(1, searcher.num_docs)
        return {term: _idf(total, searcher.doc_freq("text", term)) for term in terms}

    @property
    def num_docs(self) -> int:
        """Passages indexed."""
        return self._passages.index.searcher().num_docs

    def size_bytes(self) -> int:
        if self.path is None:
            return 0
        return folder_bytes(self.path)
