"""Choose the quote for a hit: the sentences of the article that answer.

Pure: given an article's body, its passages and the question's terms with
their weights (the index's idf, so "accused" counts for more than "Iran" in
an archive about Iran), pick sentences greedily:

1. each sentence scores the weights of the question terms it holds that
   the quote does not hold yet, ``REPEAT_WEIGHT`` of the weights of those it
   does (a sentence naming the answer often repeats the question's words),
   plus ``NOVELTY_WEIGHT`` for each of up to
   ``MAX_NOVELTY`` names or numbers the question lacks: the sentence that
   best matches usually restates the question, and the answer is by nature
   a word the question does not contain (a name, a sum, a date);
2. the best sentence is taken, then the next best for the terms still
   uncovered, while the quote stays within ``max_chars`` (about 400
   characters stay visible in a Telegram answer);
3. the best sentence's next neighbour (else its previous one) joins when it
   holds names or numbers the question lacks and still fits: the answer
   often follows the restating sentence without sharing a word with the
   question;
4. the chosen sentences are shown in the article's order, "…" between ones
   that are not neighbours.

Sentences are looked for in the passages the index found matching and in
the lead (``focus``), never across a paragraph break. Boilerplate never
wins: photo credits, "Read more", newsletter and sign-up lines, link lists
and datelines ("Washington CNN —") are never chosen. An article that matched
only by its headline is quoted from its lead. On rtqa-dev (bench/qa.py) this
raised "answer in the top-3 quotes" from 0.50 (best one or two sentences of
the best passage, 300 characters) to 0.68.

The passage returned with the quote is the one holding its best sentence,
so a reader who expands it reads on around the quote. Highlight spans are
character ranges in the quote text, so any renderer (terminal, Telegram
HTML) can mark the matched words without re-analysing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from retrieval.models import PassageSpan, Snippet
from retrieval.text.analyzer import Analyzer, Token
from retrieval.text.languages import DEFAULT, language
from retrieval.text.sentences import Span, sentence_spans, word_count

MAX_SNIPPET_CHARS = 400
ELLIPSIS = "…"
GAP = f" {ELLIPSIS} "
NOVELTY_WEIGHT = 0.5
MAX_NOVELTY = 3
REPEAT_WEIGHT = 0.2
# Sentences analysed per article, the likeliest first (see ``_probed``).
MAX_ANALYSED = 8
# Shorter units without a figure are datelines, bylines and captions ("Washington CNN —").
MIN_SENTENCE_WORDS = 3
# Lead-in kept before the first match when a long sentence must be cut.
_CONTEXT_BEFORE = 60
_LINE_BREAKS = re.compile(r"[\n\r\t\f\v]")
_BOILERPLATE = re.compile(
    r"getty images|\bap photo|\(ap\)$|/ ?(?:ap|reuters|afp|shutterstock)\b|\bphoto(?:graph)?s? (?:by|courtesy)\b"
    r"|\bimage (?:credit|courtesy)\b|^(?:photo|image|credit|caption|source)s?:|\bsign(?:ing)? up\b|\bsubscribe\b"
    r"|\bnewsletter\b|\bread (?:more|next|also)\b|^(?:more|related|see also|watch|listen)\b ?:|\bclick here\b"
    r"|\ball rights reserved\b|©|\bfollow (?:us|him|her|them) on\b|\bcontributed to this report\b"
    r"|[—–-]$"  # a dateline: "Washington CNN —"
    r"|\w:[A-Z]",  # a related-story link: "New Oreo flavor:Chocolate Confetti Cake Cookie…" (prose has a space)
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Quote:
    """What a hit shows: the snippet, and the passage it comes from (for reading on)."""

    snippet: Snippet
    passage: str


def is_boilerplate(sentence: str) -> bool:
    """True for a sentence no reader asked for: credits, sign-ups, link lists, datelines."""
    if word_count(sentence) < MIN_SENTENCE_WORDS:  # a dateline or byline, unless it is a figure ("90 days")
        return not any(ch.isdigit() for ch in sentence)
    return _BOILERPLATE.search(sentence) is not None


def _novelty(text: str, tokens: Sequence[Token], weights: Mapping[str, float]) -> int:
    """Names and numbers in a sentence that the question lacks (its first word left out:
    a capital there says nothing)."""
    found = {t.term for t in tokens[1:] if t.term not in weights and (text[t.start].isupper() or text[t.start].isdigit())}
    return min(MAX_NOVELTY, len(found))


class _Sentence:
    """A candidate sentence: its place, the question terms in it and its novelty."""

    __slots__ = ("position", "span", "tokens", "terms", "novelty")

    def __init__(self, position: int, span: Span, tokens: list[Token], novelty: int) -> None:
        self.position = position
        self.span = span
        self.tokens = tokens
        self.terms = {t.term for t in tokens}
        self.novelty = novelty

    def gain(self, weights: Mapping[str, float], covered: set[str]) -> float:
        new = self.terms - covered
        # fsum: a set's order changes with the process's string hashing, and a
        # plain sum's last bits with it, which would break ties differently
        # from one process (one replica) to the next.
        again = math.fsum(weights[term] for term in self.terms & covered) * REPEAT_WEIGHT
        if not new and not again:
            return 0.0
        return math.fsum(weights[term] for term in new) + again + NOVELTY_WEIGHT * self.novelty

    @property
    def length(self) -> int:
        return self.span.end - self.span.start


def _probes(weights: Mapping[str, float]) -> dict[str, float]:
    """What the normalised text of a sentence holding each query term contains at a word start.

    A Snowball stem is the word's start save its last letter ("countri" for
    "country"); numbers are written with separators ("14,000"). Probe and
    term share the term's weight.
    """
    probes: dict[str, float] = {}
    for term, weight in weights.items():
        probe = term[:2] if term[0].isdigit() else term[:-1] if len(term) > 3 else term
        probes[probe] = max(weight, probes.get(probe, 0.0))
    return probes


def _probed(text: str, spans: list[Span], weights: Mapping[str, float], analyzer: Analyzer, lang: str) -> list[int]:
    """Positions of the ``MAX_ANALYSED`` sentences that seem to hold the most query weight.

    Finding probes with one regular expression costs little; analysing a
    sentence (the analyzer's tokens) costs much more, and a long article has
    a hundred sentences, half of which hold some word of a long question.
    Probes are looked for at word starts where the language's stems are the
    starts of its words, anywhere where they are not (Arabic's prefixes,
    Chinese and Thai, written without spaces).
    """
    probes = _probes(weights)
    if not probes:
        return []
    alternatives = "|".join(re.escape(probe) for probe in sorted(probes, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})" if language(lang).stem_is_prefix else alternatives)
    normalise = analyzer.analysis(lang).normalise
    found: dict[int, set[str]] = {}
    for position, span in enumerate(spans):
        if matched := set(pattern.findall(normalise(text[span.start : span.end]))):
            found[position] = matched
    ranked = sorted(found, key=lambda position: (-math.fsum(probes[p] for p in found[position]), position))
    return ranked[:MAX_ANALYSED]


def _candidates(
    text: str, spans: list[Span], analyzer: Analyzer, weights: Mapping[str, float], lang: str
) -> list[_Sentence]:
    """The likeliest sentences holding a question term, boilerplate left out."""
    found = []
    for position in _probed(text, spans, weights, analyzer, lang):
        span = spans[position]
        sentence = text[span.start : span.end]
        tokens = analyzer.tokens(sentence, lang)
        matched = [Token(t.term, t.start + span.start, t.end + span.start) for t in tokens if t.term in weights]
        if matched:
            found.append(_Sentence(position, span, matched, _novelty(sentence, tokens, weights)))
    return found


def _choose(
    text: str,
    spans: list[Span],
    candidates: list[_Sentence],
    analyzer: Analyzer,
    weights: Mapping[str, float],
    max_chars: int,
    lang: str,
) -> list[_Sentence]:
    """The chosen sentences, best first (steps 1-3 of the module docstring).

    Boilerplate is checked only for the sentences about to be chosen: a
    handful of regular-expression searches instead of one per candidate.
    """
    chosen: list[_Sentence] = []
    covered: set[str] = set()
    remaining = list(candidates)
    used = 0
    while used < max_chars:
        best, best_gain = None, 0.0
        for sentence in remaining:
            if chosen and used + len(GAP) + sentence.length > max_chars:
                continue
            gain = sentence.gain(weights, covered)
            if gain > best_gain:
                best, best_gain = sentence, gain
        if best is None:
            break
        remaining.remove(best)
        if is_boilerplate(text[best.span.start : best.span.end]):
            continue
        used += best.length + (len(GAP) if chosen else 0)
        chosen.append(best)
        covered |= best.terms
    if chosen:
        room = max_chars - used
        chosen += _informative_neighbour(text, spans, chosen, candidates, analyzer, weights, room, lang)
    return chosen


def _informative_neighbour(
    text: str,
    spans: list[Span],
    chosen: list[_Sentence],
    candidates: list[_Sentence],
    analyzer: Analyzer,
    weights: Mapping[str, float],
    room: int,
    lang: str,
) -> list[_Sentence]:
    """The best sentence's next neighbour (else its previous one) if it holds names or numbers
    the question lacks and fits in ``room``.

    The answer often follows the sentence that restates the question
    ("…the first home built in Westover Hills." "It's now for sale for
    $2.35 million.") and shares no word with the question, so coverage alone
    never picks it.
    """
    best = chosen[0]
    taken = {sentence.position for sentence in chosen}
    for position in (best.position + 1, best.position - 1):
        if position in taken or not 0 <= position < len(spans):
            continue
        span = spans[position]
        sentence = text[span.start : span.end]
        if len(GAP) + len(sentence) > room or is_boilerplate(sentence):
            continue
        if not _next_to(text, *sorted((span, best.span))):
            continue  # not next to it in the article: another passage
        known = next((c for c in candidates if c.position == position), None)
        if known is not None:
            if known.novelty:
                return [known]
            continue
        novelty = _novelty(sentence, analyzer.tokens(sentence, lang), weights)
        if novelty:
            return [_Sentence(position, span, [], novelty)]
    return []


def _next_to(text: str, first: Span, second: Span) -> bool:
    """True when ``second`` follows ``first`` with only white space between (not across a passage gap)."""
    return text[first.end : second.start].isspace()


def _lead(text: str, spans: list[Span], max_chars: int) -> list[_Sentence]:
    """The first sentences that fit: the quote of an article matched by its headline alone."""
    chosen: list[_Sentence] = []
    used = 0
    for position, span in enumerate(spans):
        if is_boilerplate(text[span.start : span.end]):
            continue
        if chosen and used + 1 + span.end - span.start > max_chars:
            break
        chosen.append(_Sentence(position, span, [], 0))
        used += span.end - span.start + 1
    return chosen or [_Sentence(0, spans[0], [], 0)]


def _trim(text: str, span: Span, first_match: int, max_chars: int) -> tuple[int, int, bool, bool]:
    """Cut ``span`` to at most ``max_chars`` (ellipses included) around ``first_match``."""
    if span.end - span.start <= max_chars:
        return span.start, span.end, False, False
    budget = max_chars - 2 * len(ELLIPSIS)
    start = max(span.start, first_match - _CONTEXT_BEFORE)
    end = min(span.end, start + budget)
    start = max(span.start, end - budget)
    if start > span.start:
        # Move forward to the next word start so no word is cut.
        space = text.find(" ", start, first_match if first_match > start else end)
        if space >= 0:
            start = space + 1
    if end < span.end:
        space = text.rfind(" ", start, end + 1)
        if space > start:
            end = space
    while end > start and text[end - 1] in " ,;:":
        end -= 1
    return start, end, start > span.start, end < span.end


def _passage_of(position: int, passages: Sequence[PassageSpan], body: str) -> str:
    for passage in passages:
        if passage.start <= position < passage.end:
            return body[passage.start : passage.end]
    return body[passages[0].start : passages[0].end] if passages else body


def _focus_spans(body: str, passages: Sequence[PassageSpan], focus: Sequence[int], lang: str) -> list[Span]:
    """Sentences of the focus passages and the lead passage, in order; of the whole body without focus."""
    wanted = set(focus)
    regions = sorted((p.start, p.end) for i, p in enumerate(passages) if i == 0 or p.passage_id in wanted)
    if not focus or not regions:
        return sentence_spans(body, lang)
    merged: list[list[int]] = []
    for start, end in regions:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    spans = []
    for start, end in merged:
        spans += [Span(s.start + start, s.end + start) for s in sentence_spans(body[start:end], lang)]
    return spans


def quote_article(
    body: str,
    passages: Sequence[PassageSpan],
    weights: Mapping[str, float],
    analyzer: Analyzer,
    focus: Sequence[int] = (),
    max_chars: int = MAX_SNIPPET_CHARS,
    lang: str = DEFAULT,
    headline: str = "",
) -> Quote:
    """The quote of ``body`` (in language ``lang``) for question terms weighted by ``weights`` (see the module
    docstring).

    ``focus`` names the passages the index found matching (best first): the
    quote is looked for there and in the lead, which holds the answer more
    often than any other passage; without it, in the whole body. Sentences
    are split, and words found, by ``lang``'s rules. A sentence the
    ``headline`` was made from (an article that came without one) is not
    quoted again: the reader sees it above the quote.
    """
    text = _LINE_BREAKS.sub(" ", body)  # same length: offsets into body still hold
    spans = _focus_spans(body, passages, focus, lang) or [Span(0, len(body))]
    spans = _not_the_headline(text, spans, headline)
    candidates = _candidates(text, spans, analyzer, weights, lang)
    chosen = _choose(text, spans, candidates, analyzer, weights, max_chars, lang) or _lead(text, spans, max_chars)
    passage = _passage_of(chosen[0].span.start, passages, body)
    pieces, highlights, length = [], [], 0
    previous: _Sentence | None = None
    for sentence in sorted(chosen, key=lambda s: s.position):
        first_match = sentence.tokens[0].start if sentence.tokens else sentence.span.start
        start, end, cut_left, cut_right = _trim(text, sentence.span, first_match, max_chars)
        if previous is not None:
            neighbours = sentence.position == previous.position + 1 and _next_to(text, previous.span, sentence.span)
            joint = " " if neighbours else GAP
            pieces.append(joint)
            length += len(joint)
        prefix = ELLIPSIS if cut_left else ""
        shift = length + len(prefix) - start
        pieces += [prefix, text[start:end], ELLIPSIS if cut_right else ""]
        highlights += [(t.start + shift, t.end + shift) for t in sentence.tokens if start <= t.start and t.end <= end]
        length += len(prefix) + (end - start) + (len(ELLIPSIS) if cut_right else 0)
        previous = sentence
    return Quote(Snippet("".join(pieces), _merged(highlights)), passage)


# A sentence equal to a headline this long is the one it was made from (``records.fallback_title``).
_MADE_HEADLINE_CHARS = 20


def _not_the_headline(text: str, spans: list[Span], headline: str) -> list[Span]:
    """``spans`` without the sentence ``headline`` was made from whole, unless it is the only one (a headline
    cut short leaves the rest of its sentence to quote)."""
    shown = " ".join(headline.removesuffix(ELLIPSIS).split())
    if len(shown) < _MADE_HEADLINE_CHARS or len(spans) < 2:
        return spans
    kept = [span for span in spans if " ".join(text[span.start : span.end].split()) != shown]
    return kept or spans


def _merged(highlights: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Overlapping marks as one (Chinese character pairs overlap: 北京 京大 大学 mark 北京大学 once)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(highlights):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)
