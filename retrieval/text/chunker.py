"""Split an article body into passages, the unit BM25 ranks.

Passages are runs of whole sentences, aiming at ``TARGET_WORDS`` (about 3-6
sentences of news prose) and never past ``MAX_WORDS`` unless one sentence is
that long by itself, in which case it is cut at word boundaries. Consecutive
passages share one sentence (when it is short) so an answer spanning a
boundary is still found whole in one of them. Short bodies (teasers) stay one
passage. Offsets point into the body so a snippet can be traced back.
"""

from __future__ import annotations

from typing import NamedTuple

from retrieval.text.languages import DEFAULT
from retrieval.text.sentences import Span, sentence_spans, word_count, word_spans

TARGET_WORDS = 90
MIN_WORDS = 60
MAX_WORDS = 120
MAX_SENTENCES = 6
OVERLAP_MAX_WORDS = 35
# A last passage shorter than MIN_WORDS is merged into the one before when
# the result stays under MAX_WORDS + MERGE_SLACK_WORDS.
MERGE_SLACK_WORDS = 30


class Chunk(NamedTuple):
    """One passage: its place in the body and its text."""

    start: int
    end: int
    text: str


class _Sentence(NamedTuple):
    span: Span
    words: int


def _sentences(body: str, lang: str) -> list[_Sentence]:
    """Sentences of ``body``, with any over-long one cut into word runs (``word_spans``: Chinese by characters)."""
    out = []
    for span in sentence_spans(body, lang):
        count = word_count(body[span.start : span.end])
        if count <= MAX_WORDS:
            out.append(_Sentence(span, count))
            continue
        words = word_spans(body, span.start, span.end)
        for first in range(0, len(words), MAX_WORDS):
            run = words[first : first + MAX_WORDS]
            out.append(_Sentence(Span(run[0].start, run[-1].end), len(run)))
    return out


def _groups(sentences: list[_Sentence]) -> list[tuple[int, int]]:
    """Choose [first, last) sentence ranges for each passage."""
    groups: list[tuple[int, int]] = []
    first = 0
    while first < len(sentences):
        last, words = first, 0
        while last < len(sentences):
            if last > first and words + sentences[last].words > MAX_WORDS:
                break
            words += sentences[last].words
            last += 1
            if words >= TARGET_WORDS or last - first >= MAX_SENTENCES and words >= MIN_WORDS:
                break
        groups.append((first, last))
        if last >= len(sentences):
            break
        overlap = last - 1 > first and sentences[last - 1].words <= OVERLAP_MAX_WORDS
        first = last - 1 if overlap else last
    return _merge_short_tail(groups, sentences)


def _merge_short_tail(groups: list[tuple[int, int]], sentences: list[_Sentence]) -> list[tuple[int, int]]:
    """Fold a short last passage into the one before it when that stays small."""
    if len(groups) < 2:
        return groups
    (prev_first, _), (tail_first, tail_last) = groups[-2], groups[-1]
    tail_words = sum(s.words for s in sentences[tail_first:tail_last])
    merged_words = sum(s.words for s in sentences[prev_first:tail_last])
    if tail_words < MIN_WORDS and merged_words <= MAX_WORDS + MERGE_SLACK_WORDS:
        return [*groups[:-2], (prev_first, tail_last)]
    return groups


def chunk(body: str, lang: str = DEFAULT) -> list[Chunk]:
    """Split ``body`` (in language ``lang``, whose rules cut its sentences) into passages; an empty body gives none."""
    sentences = _sentences(body, lang)
    chunks = []
    for first, last in _groups(sentences):
        start, end = sentences[first].span.start, sentences[last - 1].span.end
        chunks.append(Chunk(start, end, body[start:end]))
    return chunks


__all__ = ["Chunk", "chunk", "word_count"]
