"""One language's analysis: text → index terms through the steps its folder chose (see ``steps``). Pure.

For each word the tokenizer finds (letters, digits and combining marks, with
inner apostrophes, and numbers such as ``14,000``), in order:

1. a word holding a script written without spaces is cut into runs of one
   script; each such run is cut into words by the segmenter of the language
   that owns its script (character pairs, a dictionary), each word keeping
   its own span so a quote can mark it;
2. otherwise the language's *prepare* steps, its normaliser, and a second
   split (a folded word can become two: ``foo_bar``);
3. per word: apostrophes at its ends and a number's commas dropped; a word
   longer than ``MAX_TERM_CHARS`` (a URL, a hash) dropped; a word of a
   script this language does not own is handed to the language that owns
   it (a Latin name in a Russian article is analysed as English, a Cyrillic
   one in an English article as Russian); else stopwords dropped, then the
   stem steps and the after steps.

Words are memoised as written (news vocabulary is Zipfian, so almost every
word is answered from the memo), which is also why ``terms`` and ``tokens``
always agree.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from retrieval.text.languages.scripts import UNSPACED, UNSPACED_RUNS, script_of, word_script
from retrieval.text.languages.steps import JOINERS, Normaliser, Segmenter, WordStep

# Longer "words" are URLs, hashes or base64 runs: noise for BM25.
MAX_TERM_CHARS = 64
_MEMO_LIMIT = 200_000
# Words of scripts without spaces are memoised only this short: a longer run is a whole clause, rarely seen twice.
_MEMO_UNSPACED_CHARS = 16


def _combining_marks() -> str:
    """Return a regex class body listing every Unicode combining mark (M*)."""
    ranges, start = [], None
    for code in range(sys.maxunicode + 2):
        is_mark = code <= sys.maxunicode and unicodedata.category(chr(code)).startswith("M")
        if is_mark and start is None:
            start = code
        elif not is_mark and start is not None:
            ranges.append(f"{chr(start)}-{chr(code - 1)}")
            start = None
    return "".join(ranges)


# The stdlib ``re`` is several times faster here than ``regex`` with \p{..}.
# ``\w`` covers letters and digits of every script once a normaliser has
# turned "_" into a space; combining marks and joiners are added by hand.
_WORD_CHAR = f"[\\w{_combining_marks()}{JOINERS}]"
_WORD = rf"\w{_WORD_CHAR}*(?:'\w{_WORD_CHAR}*)*"
_NUMBER = r"\d+(?:[.,]\d+)+(?!\w)"
TOKEN_RE = re.compile(f"{_NUMBER}|{_WORD}")
# Spans in the original text: it may still hold "’" and "_", folded later.
ORIGINAL_TOKEN_RE = re.compile(f"{_NUMBER}|" + _WORD.replace("'", "['’]"))


class Token(NamedTuple):
    """One index term and the span of original text it came from (a tuple: made by the thousand per answer)."""

    term: str
    start: int
    end: int


class _Pieces(tuple):
    """The terms of a word cut by a segmenter, with each one's span in the word (``spans``)."""

    spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Steps:
    """What a language does to words, in order (see the module docstring)."""

    normalise: Normaliser
    prepare: tuple[WordStep, ...] = ()
    stopwords: frozenset[str] = frozenset()
    stem: tuple[WordStep, ...] = ()
    after: tuple[WordStep, ...] = ()
    # Cuts a run of this language's scripts written without spaces into words.
    segment: Segmenter | None = None


class Analysis:
    """One language's analysis; safe to share between threads (the memo is a plain dict, stemmers are per thread)."""

    def __init__(
        self,
        code: str,
        steps: Steps,
        scripts: frozenset[str],
        owner: Callable[[str], Analysis | None],
        fallback_segment: Segmenter,
    ) -> None:
        self.code = code
        self.steps = steps
        self.scripts = scripts
        self.normalise = steps.normalise
        self._owner = owner
        self._fallback_segment = fallback_segment
        self._stopwords = steps.stopwords
        self._stem = steps.stem + steps.after
        self._memo: dict[str, tuple[str, ...]] = {}

    def terms(self, text: str) -> list[str]:
        """The index terms of ``text`` in order (stopwords removed)."""
        return [term for raw in ORIGINAL_TOKEN_RE.findall(text) for term in self.word_terms(raw)]

    def tokens(self, text: str) -> list[Token]:
        """The index terms of ``text`` with their spans in ``text``."""
        if UNSPACED.search(text) is None:  # no word is cut into pieces: every term spans its word (the fast way)
            return [
                Token(term, match.start(), match.end())
                for match in ORIGINAL_TOKEN_RE.finditer(text)
                for term in self.word_terms(match.group())
            ]
        out: list[Token] = []
        for match in ORIGINAL_TOKEN_RE.finditer(text):
            found = self.word_terms(match.group())
            start = match.start()
            if type(found) is _Pieces:
                out += [Token(term, start + first, start + last) for term, (first, last) in zip(found, found.spans)]
            else:
                out += [Token(term, start, match.end()) for term in found]
        return out

    def query_terms(self, query: str) -> list[str]:
        """The distinct terms of a question, in order of first use."""
        return list(dict.fromkeys(self.terms(query)))

    def word_terms(self, raw: str) -> tuple[str, ...]:
        """The terms of one word as written (usually one, none for a stopword)."""
        found = self._memo.get(raw)
        if found is None:
            unspaced = UNSPACED.search(raw) is not None
            found = self._pieces(raw) if unspaced else self._spaced(raw)
            limit = _MEMO_UNSPACED_CHARS if unspaced else 2 * MAX_TERM_CHARS
            if len(self._memo) < _MEMO_LIMIT and len(raw) <= limit:
                self._memo[raw] = found
        return found

    def _spaced(self, raw: str) -> tuple[str, ...]:
        text = raw
        for step in self.steps.prepare:
            text = step(text)
        return tuple(term for word in TOKEN_RE.findall(self.normalise(text)) for term in self._word(word))

    def _word(self, word: str) -> tuple[str, ...]:
        word = word.strip("'")
        if word and word[0].isdigit() and "," in word:
            word = word.replace(",", "")
        if not word or len(word) > MAX_TERM_CHARS:
            return ()
        script = word_script(word)
        if script != "Common" and script not in self.scripts:
            other = self._owner(script)
            if other is not None and other is not self:
                return other.word_terms(word)
        if word in self._stopwords:
            return ()
        for step in self._stem:
            word = step(word)
        return (word,) if word else ()

    def _pieces(self, raw: str) -> _Pieces:
        """A word holding a script without spaces: its runs, each cut into words with their spans."""
        terms: list[str] = []
        spans: list[tuple[int, int]] = []
        for match in UNSPACED_RUNS.finditer(raw):
            run, base = match.group(), match.start()
            if UNSPACED.match(run) is None:
                for term in self.word_terms(run):
                    terms.append(term)
                    spans.append((base, base + len(run)))
                continue
            script = script_of(run[0])
            analysis: Analysis = self if script in self.scripts else (self._owner(script) or self)
            for first, last in analysis.segmenter(script)(run):
                piece = analysis.normalise(run[first:last]).strip()
                if piece and piece not in analysis._stopwords and len(piece) <= MAX_TERM_CHARS:
                    terms.append(piece)
                    spans.append((base + first, base + last))
        found = _Pieces(terms)
        found.spans = tuple(spans)
        return found

    def segmenter(self, script: str) -> Segmenter:
        """How this language cuts a run of ``script``: its own segmenter for its scripts, else character pairs."""
        if script in self.scripts and self.steps.segment is not None:
            return self.steps.segment
        return self._fallback_segment
