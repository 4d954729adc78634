"""Choose the quoted snippet for a hit: the sentence(s) that best answer.

Pure: given a passage and the query's terms with their weights (the index's
idf, so "accused" counts for more than "Iran" in an archive about Iran),
pick the best-matching sentence (highest weight of distinct query terms, then
most matches), add a neighbouring sentence
when it also matches or the best one is short, and trim the result to
``max_chars`` on word boundaries with an ellipsis. Highlight spans are
character ranges in the snippet text, so any renderer (terminal, Telegram
HTML) can mark the matched words without re-analysing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from retrieval.analyzer import Analyzer, Token
from retrieval.sentences import Span, sentence_spans

MAX_SNIPPET_CHARS = 300
ELLIPSIS = "…"
# Lead-in kept before the first match when a long sentence must be cut.
_CONTEXT_BEFORE = 60
_SHORT_SENTENCE = 120
_WHITESPACE_TO_SPACE = {ord(ch): " " for ch in "\n\r\t\f\v"}


@dataclass(frozen=True, slots=True)
class Snippet:
    """Quoted text and the ``(start, end)`` spans of matched words in it."""

    text: str
    highlights: tuple[tuple[int, int], ...]

    def marked(self, before: str, after: str, escape: Callable[[str], str] = str) -> str:
        """The text with each matched word between ``before`` and ``after``.

        ``escape`` is applied to the text pieces only, so a renderer can wrap
        words in markup (HTML tags) without the marks being escaped.
        """
        out, position = [], 0
        for start, end in self.highlights:
            out += [escape(self.text[position:start]), before, escape(self.text[start:end]), after]
            position = end
        out.append(escape(self.text[position:]))
        return "".join(out)


def _score(span: Span, matches: list[Token], weights: Mapping[str, float]) -> tuple[float, int]:
    inside = [t for t in matches if span.start <= t.start < span.end]
    return sum(weights.get(term, 1.0) for term in {t.term for t in inside}), len(inside)


def _pick_sentences(
    sentences: list[Span], matches: list[Token], weights: Mapping[str, float], max_chars: int
) -> Span:
    """Return the span of the best sentence, widened by one neighbour if it helps."""
    scores = [_score(s, matches, weights) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    chosen = sentences[best]
    neighbours = [i for i in (best + 1, best - 1) if 0 <= i < len(sentences)]
    matching = [i for i in neighbours if scores[i][1] > 0]
    short = chosen.end - chosen.start < _SHORT_SENTENCE
    for i in matching or (neighbours[:1] if short else []):
        widened = Span(min(chosen.start, sentences[i].start), max(chosen.end, sentences[i].end))
        if widened.end - widened.start <= max_chars:
            return widened
    return chosen


def _trim(text: str, span: Span, matches: list[Token], max_chars: int) -> tuple[int, int, bool, bool]:
    """Cut ``span`` to at most ``max_chars`` (ellipses included) around the matches."""
    if span.end - span.start <= max_chars:
        return span.start, span.end, False, False
    budget = max_chars - 2 * len(ELLIPSIS)
    first_match = next((t.start for t in matches if span.start <= t.start < span.end), span.start)
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
    return start, end, start > span.start, end < span.end


def make_snippet(
    passage: str,
    weights: Mapping[str, float],
    analyzer: Analyzer,
    max_chars: int = MAX_SNIPPET_CHARS,
) -> Snippet:
    """Build the snippet of ``passage`` for query terms weighted by ``weights``."""
    text = passage.translate(_WHITESPACE_TO_SPACE)
    sentences = sentence_spans(text) or [Span(0, len(text))]
    matches = [t for t in analyzer.tokens(text) if t.term in weights]
    chosen = _pick_sentences(sentences, matches, weights, max_chars)
    start, end, cut_left, cut_right = _trim(text, chosen, matches, max_chars)
    while end > start and text[end - 1] in " ,;:":
        end -= 1
    prefix = ELLIPSIS if cut_left else ""
    body = text[start:end]
    suffix = ELLIPSIS if cut_right else ""
    shift = len(prefix) - start
    highlights = tuple((t.start + shift, t.end + shift) for t in matches if start <= t.start and t.end <= end)
    return Snippet(prefix + body + suffix, highlights)
