"""How far can a quote chosen from the words alone go? Ceilings and a learned sentence ranker on rtqa-dev.

    python bench/quote_ceiling.py [--data ../shared/data/rtqa-dev] [--db DIR]

``bench/qa.py`` measures the quote newsbot shows. This asks whether any
lexical choice of sentences could show the answer much more often, on the
same top-3 articles (ranked as ``Archive.search`` ranks them, each question
asked on its quiz's date):

* **ceilings**: the answer in some sentence of the regions the quote looks
  in (the matching passages and the lead), and in some sentence of the
  top-3 articles at all: no choice of sentences can beat these;
* **a learned sentence ranker**: a linear model over every sentence of the
  top-3 articles, trained listwise (softmax over an article's sentences,
  the ones holding the answer as targets) on 31 features: coverage of the
  question's terms (all, its last sentence's, the terms only the last
  sentence has), question-word bigrams, names and numbers the question
  lacks, by question type (how many / who / where / other) and near a
  matched word, how many of the top-5 articles' best sentences repeat each
  such name (answers recur across reports of one event), position, length,
  quotation marks, boilerplate and the neighbours' coverage. The quote is
  then the best-scoring sentences that fit in 400 characters. Scored by
  5-fold cross-validation grouped by quiz week (the figure that would hold
  for unseen questions) and in-sample (trained on all 299: an upper bound
  for this feature set).

If the learned ranker, which may weigh every signal the hand-written quote
uses and more, lands where ``retrieval.search.quotes`` does, the words alone are
exhausted and the rest needs a reading model. Skips cleanly when the data
is absent. Needs ``scipy`` (the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from qa import DEFAULT_DATA, asked_at, holds, qa_archive, read_questions  # noqa: E402

from retrieval.models import AnswerSource  # noqa: E402
from retrieval.search.index import day_number  # noqa: E402
from retrieval.search.quotes import MAX_SNIPPET_CHARS, is_boilerplate, quote_article  # noqa: E402
from retrieval.search.searcher import ranked_articles  # noqa: E402
from retrieval.text.sentences import sentence_spans  # noqa: E402

SHOWN = 3
REDUNDANCY_ARTICLES = 5
BEST_SENTENCES = 8
FOLDS = 5
L2 = 1.0
_HOW_MANY = re.compile(
    r"\bhow (?:many|much|long|old|far|often|big|tall|high|large)\b|\bwhen\b"
    r"|\bwhat (?:percent|percentage|year|age|number|amount|price|share|date|day|month|time)\b",
    re.IGNORECASE,
)
_WHO = re.compile(r"\bwho(?:m|se)?\b", re.IGNORECASE)
_WHERE = re.compile(r"\bwhere\b|\b(?:which|what) (?:country|city|state|nation|region|island|county|town)\b", re.IGNORECASE)
TYPES = ("number", "person", "place", "other")


def question_type(ask: str) -> str:
    if _HOW_MANY.search(ask):
        return "number"
    if _WHO.search(ask):
        return "person"
    return "place" if _WHERE.search(ask) else "other"


@dataclass
class Sentence:
    """One sentence of a shown article, its features and whether it holds the answer."""

    question: int
    article: int  # rank among the shown articles
    position: int
    text: str
    features: list[float]
    answers: bool
    boilerplate: bool
    looked_in: bool  # where retrieval.search.quotes looks for its quote


@dataclass
class Asked:
    """One question's shown articles: today's quotes and the ceilings."""

    answers: list[str]
    week: str
    quotes: list[str]
    in_focus: bool
    in_body: bool


def _novel(text: str, tokens, weights) -> set[str]:
    """Names and numbers the question lacks (a capital opening the sentence says nothing)."""
    return {
        t.term
        for i, t in enumerate(tokens)
        if t.term not in weights and (text[t.start].isdigit() or (i > 0 and text[t.start].isupper()))
    }


def _recurring(sources: list[AnswerSource], analyzer, weights) -> Counter:
    """How many of the top articles name each novel term in one of their best-matching sentences."""
    total = sum(weights.values()) or 1.0
    counts: Counter = Counter()
    for source in sources:
        scored = []
        for span in sentence_spans(source.body):
            text = source.body[span.start : span.end]
            tokens = analyzer.tokens(text)
            cover = sum(weights[t] for t in {t.term for t in tokens} & weights.keys()) / total
            if cover:
                scored.append((cover, text, tokens))
        scored.sort(key=lambda item: -item[0])
        counts.update(set().union(*(_novel(text, tokens, weights) for _, text, tokens in scored[:BEST_SENTENCES])))
    return counts


def sentence_rows(question: int, question_text: str, answers: list[str], sources, focus, analyzer, weights) -> list[Sentence]:
    """Every sentence of the shown articles with its features (see the module docstring)."""
    asks = sentence_spans(question_text)
    ask = question_text[asks[-1].start : asks[-1].end] if asks else question_text
    context = question_text[: asks[-1].start] if asks else ""
    kind = question_type(ask)
    words = [t.term for t in analyzer.tokens(question_text)]
    bigrams = set(zip(words, words[1:]))
    ask_terms = {t.term for t in analyzer.tokens(ask)} & weights.keys()
    ask_only = ask_terms - {t.term for t in analyzer.tokens(context)}
    total = sum(weights.values()) or 1.0
    ask_total = sum(weights[t] for t in ask_terms) or 1.0
    only_total = sum(weights[t] for t in ask_only) or 1.0
    recurring = _recurring(sources[:REDUNDANCY_ARTICLES], analyzer, weights)
    rows = []
    for rank, (source, passage_ids) in enumerate(zip(sources[:SHOWN], focus)):
        # Where retrieval.search.quotes looks: the matching passages and the lead passage.
        regions = [(p.start, p.end) for i, p in enumerate(source.passages) if i == 0 or p.passage_id in passage_ids]
        article = []
        for position, span in enumerate(sentence_spans(source.body)):
            text = source.body[span.start : span.end].replace("\n", " ")
            tokens = analyzer.tokens(text)
            terms = [t.term for t in tokens]
            matched = set(terms) & weights.keys()
            novel = _novel(text, tokens, weights)
            names = [i for i, t in enumerate(tokens) if i and t.term in novel and text[t.start].isupper()]
            numbers = [i for i, t in enumerate(tokens) if t.term in novel and text[t.start].isdigit()]
            near = [i for i, t in enumerate(tokens) if t.term in ask_terms]
            wanted = numbers if kind == "number" else names
            close = any(abs(i - j) <= 4 for i in wanted for j in near)
            boilerplate = is_boilerplate(text)
            looked_in = not passage_ids or any(a <= span.start < b for a, b in regions)
            features = [
                sum(weights[t] for t in matched) / total,
                sum(weights[t] for t in matched & ask_terms) / ask_total,
                sum(weights[t] for t in matched & ask_only) / only_total if ask_only else 0.0,
                math.log1p(len(matched)),
                min(len({tokens[i].term for i in names}), 3),
                min(len({tokens[i].term for i in numbers}), 3),
                math.log1p(position),
                float(position == 0),
                math.log(max(len(text), 10)),
                float(boilerplate),
                float(looked_in),
                float("“" in text or '"' in text),
                float(close),
                min(sum(pair in bigrams for pair in zip(terms, terms[1:])), 3),
                max((recurring[t] for t in novel), default=0),
                min(sum(recurring[t] - 1 for t in novel if recurring[t] > 1), 6),
            ]
            for each in TYPES:
                on = float(kind == each)
                features += [on * bool(numbers), on * bool(names), on * close]
            answering = holds(text, answers)
            article.append(Sentence(question, rank, position, text, features, answering, boilerplate, looked_in))
        cover = [row.features[0] for row in article]
        best = max(cover, default=0.0) or 1.0
        for i, row in enumerate(article):
            row.features += [
                cover[i - 1] if i else 0.0,
                cover[i + 1] if i + 1 < len(cover) else 0.0,
                cover[i] / best,
            ]
        rows += article
    return rows


def fit(groups: list[tuple[np.ndarray, np.ndarray]], width: int) -> np.ndarray:
    """Listwise weights: maximise the softmax probability of an article's answering sentences."""

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        value, gradient = L2 * float(w @ w), 2 * L2 * w
        for x, y in groups:
            z = x @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            hit = p[y].sum()
            value -= math.log(hit + 1e-12)
            gradient -= x.T @ (np.where(y, p / (hit + 1e-12), 0.0) - p)
        return value, gradient

    return minimize(loss, np.zeros(width), jac=True, method="L-BFGS-B").x


def chosen_quote(rows: list[Sentence], scores: np.ndarray) -> str:
    """The best-scoring sentences that fit in the visible quote, in the article's order."""
    chosen, used = [], 0
    for i in np.argsort(-scores):
        row = rows[i]
        if row.boilerplate:
            continue
        cost = len(row.text) + (3 if chosen else 0)
        if chosen and used + cost > MAX_SNIPPET_CHARS:
            continue
        chosen.append(row)
        used += cost
    return " … ".join(row.text[:MAX_SNIPPET_CHARS] for row in sorted(chosen, key=lambda row: row.position))


def quote_hits(asked: list[Asked], rows: list[Sentence], scores: np.ndarray) -> float:
    """Share of questions whose answer is in one of the three learned quotes."""
    found = [False] * len(asked)
    articles: dict[tuple[int, int], list[int]] = {}
    for i, row in enumerate(rows):
        articles.setdefault((row.question, row.article), []).append(i)
    for (question, _), members in articles.items():
        quote = chosen_quote([rows[i] for i in members], scores[members])
        found[question] |= holds(quote, asked[question].answers)
    return sum(found) / len(asked)


async def collect(args) -> tuple[list[Asked], list[Sentence]]:
    questions = read_questions(args.data)
    asked, rows = [], []
    async with qa_archive(args.db, args.data) as archive:
        for number, question in enumerate(questions):
            terms = tuple(archive.analyzer.query_terms(question["question"]))
            today = day_number(asked_at(question))
            ranked = ranked_articles(archive.index, terms, REDUNDANCY_ARTICLES, today)[:REDUNDANCY_ARTICLES]
            found = await archive.store.answer_sources([item.article_id for item in ranked])
            sources = [found[item.article_id] for item in ranked if item.article_id in found]
            focus = [item.passage_ids for item in ranked if item.article_id in found]
            weights = archive.index.term_weights(terms)
            answers = question["answers"]
            quotes = [
                quote_article(s.body, s.passages, weights, archive.analyzer, f).snippet.text
                for s, f in zip(sources[:SHOWN], focus)
            ]
            mine = sentence_rows(number, question["question"], answers, sources, focus, archive.analyzer, weights)
            rows += mine
            asked.append(
                Asked(
                    answers,
                    question["id"][:8],
                    quotes,
                    any(row.answers and row.looked_in for row in mine),
                    any(row.answers for row in mine),
                )
            )
    return asked, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--db", type=Path, required=True, help="archive folder of bench/qa.py --db (loaded if empty)")
    args = parser.parse_args()
    if not (args.data / "questions.jsonl").exists():
        print(f"skipped: no rtqa-dev data at {args.data}")
        return
    args.db.mkdir(parents=True, exist_ok=True)
    asked, rows = asyncio.run(collect(args))
    n = len(asked)
    x = np.array([row.features for row in rows])
    x = (x - x.mean(0)) / (x.std(0) + 1e-9)
    y = np.array([row.answers for row in rows])
    members: dict[tuple[int, int], list[int]] = {}
    for i, row in enumerate(rows):
        members.setdefault((row.question, row.article), []).append(i)
    weeks = sorted({item.week for item in asked})
    fold_of = {week: i % FOLDS for i, week in enumerate(weeks)}
    scores = np.zeros(len(rows))
    for fold in range(FOLDS):
        train = [(x[m], y[m]) for (q, _), m in members.items() if fold_of[asked[q].week] != fold and y[m].any()]
        w = fit(train, x.shape[1])
        for (q, _), m in members.items():
            if fold_of[asked[q].week] == fold:
                scores[m] = x[m] @ w
    everything = fit([(x[m], y[m]) for m in members.values() if y[m].any()], x.shape[1])
    print(f"{n} questions, {len(rows):,} sentences of their top-{SHOWN} articles\n")
    print("| answer in …                                        | share |")
    print("|----------------------------------------------------|-------|")
    print(f"| the top-3 quotes (retrieval.search.quotes, as shown)     | {sum(any(holds(q, a.answers) for q in a.quotes) for a in asked) / n:.3f} |")
    print(f"| the learned ranker's quotes, cross-validated       | {quote_hits(asked, rows, scores):.3f} |")
    print(f"| the learned ranker's quotes, in-sample             | {quote_hits(asked, rows, x @ everything):.3f} |")
    print(f"| a sentence the quote looks in (ceiling)            | {sum(a.in_focus for a in asked) / n:.3f} |")
    print(f"| a sentence of the top-3 articles (ceiling)         | {sum(a.in_body for a in asked) / n:.3f} |")


if __name__ == "__main__":
    main()
