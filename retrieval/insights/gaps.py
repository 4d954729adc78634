"""Content gaps: questions that found nothing or got 👎, grouped when they ask the same thing in other words. Pure.

"MEK camp Albania" and "camp in albania for the mek" are one gap, asked
twice: each question is the set of its analysed terms (the search
analyzer's: stopwords out, words stemmed), and two questions are the same
when their sets overlap by ``SAME_QUESTION`` (Jaccard) and share at least
two terms, or are equal. "MEK Albania" and "MEK Iran" share one word and
stay apart. Groups are made by single linkage over that relation, so a gap
is every wording connected to another by it; the shown wording is the one
asked most (then the shortest).

Each gap is compared with the window before: ``new`` when it was not asked
then, ``rising`` or ``falling`` by its count, ``steady`` otherwise.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

SAME_QUESTION = 0.6
MIN_SHARED_TERMS = 2
MAX_GAPS = 10


class Trend(StrEnum):
    NEW = "new"
    RISING = "rising"
    FALLING = "falling"
    STEADY = "steady"


@dataclass(frozen=True, slots=True)
class MissedQuestion:
    """One question that found nothing or was rated 👎: its words and analysed terms."""

    text: str
    terms: frozenset[str]
    found_nothing: bool
    disliked: bool


@dataclass(frozen=True, slots=True)
class Gap:
    """Questions asking the same thing that the archive did not answer well."""

    example: str
    asked: int
    found_nothing: int
    disliked: int
    # Times it was asked in the window before, and what that makes of it.
    before: int
    trend: Trend
    terms: frozenset[str]


def same_question(one: frozenset[str], other: frozenset[str]) -> bool:
    """Whether two questions' terms ask the same thing (see the module docstring)."""
    if one == other:
        return True
    shared = len(one & other)
    return shared >= MIN_SHARED_TERMS and shared / len(one | other) >= SAME_QUESTION


def _groups(term_sets: Sequence[frozenset[str]]) -> list[list[int]]:
    """Indexes of ``term_sets`` joined by ``same_question`` (union-find; candidates through shared terms)."""
    parent = list(range(len(term_sets)))

    def root(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    holders: dict[str, list[int]] = defaultdict(list)
    for index, terms in enumerate(term_sets):
        candidates = {other for term in terms for other in holders[term]}
        for other in candidates:
            if root(other) != root(index) and same_question(terms, term_sets[other]):
                parent[root(other)] = root(index)
        for term in terms:
            holders[term].append(index)
    grouped: dict[int, list[int]] = defaultdict(list)
    for index in range(len(term_sets)):
        grouped[root(index)].append(index)
    return list(grouped.values())


def _wording(texts: Iterable[str]) -> str:
    """The wording asked most, white space and case aside; the shortest of those."""
    counts = Counter(" ".join(text.split()) for text in texts)
    by_form: dict[str, Counter[str]] = defaultdict(Counter)
    for text, count in counts.items():
        by_form[text.casefold()][text] += count
    best = max(by_form.values(), key=lambda forms: (sum(forms.values()), -min(len(text) for text in forms)))
    return best.most_common(1)[0][0]


def group_gaps(
    missed: Sequence[MissedQuestion], before: Sequence[MissedQuestion] = (), limit: int = MAX_GAPS
) -> list[Gap]:
    """The ``limit`` biggest gaps of ``missed``, each with its trend against ``before`` (the window before)."""
    distinct = sorted({question.terms for question in missed if question.terms}, key=sorted)
    if not distinct:
        return []
    by_terms: dict[frozenset[str], list[MissedQuestion]] = defaultdict(list)
    for question in missed:
        by_terms[question.terms].append(question)
    earlier = Counter(question.terms for question in before if question.terms)
    gaps = []
    for group in _groups(distinct):
        sets = [distinct[index] for index in group]
        questions = [question for terms in sets for question in by_terms[terms]]
        asked_before = sum(count for terms, count in earlier.items() if any(same_question(terms, mine) for mine in sets))
        asked = len(questions)
        if asked_before == 0:
            trend = Trend.NEW
        else:
            trend = Trend.RISING if asked > asked_before else Trend.FALLING if asked < asked_before else Trend.STEADY
        gaps.append(
            Gap(
                example=_wording(question.text for question in questions),
                asked=asked,
                found_nothing=sum(question.found_nothing for question in questions),
                disliked=sum(question.disliked for question in questions),
                before=asked_before,
                trend=trend,
                terms=frozenset().union(*sets),
            )
        )
    gaps.sort(key=lambda gap: (-(gap.found_nothing + gap.disliked), -gap.asked, gap.example))
    return gaps[:limit]
