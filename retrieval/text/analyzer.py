"""Text analysis shared by documents and questions: each language's analysis, chosen by the text's language.

The same ``Analyzer`` turns an article into index terms and a reader's
question into query terms, so the two meet: an article is analysed in its
language (stored with it), a question in the language it is written in
(``retrieval.text.questions``). Each language's steps live in its folder
under ``retrieval.text.languages`` (English: ``languages/en``); words of
another script inside a text go to that script's language (a Cyrillic
name in an English article is stemmed as Russian). Analyses are built on
first use, so an archive pays only for the languages it holds.
"""

from __future__ import annotations

import threading

from retrieval.text.languages import DEFAULT, default_for, language
from retrieval.text.languages.analysis import MAX_TERM_CHARS, Analysis, Token
from retrieval.text.languages.en import NORMALISE
from retrieval.text.languages.steps import bigrams


def normalize(text: str) -> str:
    """English's normaliser (NFKC, case-folded, accents and Arabic letter variants folded): the default."""
    return NORMALISE(text)


class Analyzer:
    """Every language's analysis, built on first use; safe to share between threads."""

    def __init__(self) -> None:
        self._analyses: dict[str, Analysis] = {}
        self._lock = threading.RLock()

    def analysis(self, code: str | None = DEFAULT) -> Analysis:
        """The analysis of language ``code`` (the undetermined one for a code without a folder)."""
        chosen = language(code)
        found = self._analyses.get(chosen.code)
        if found is None:
            with self._lock:
                found = self._analyses.get(chosen.code)
                if found is None:
                    found = Analysis(chosen.code, chosen.steps(), chosen.scripts, self._owner, bigrams)
                    self._analyses[chosen.code] = found
        return found

    def _owner(self, script: str) -> Analysis | None:
        owner = default_for(script)
        return None if owner is None else self.analysis(owner.code)

    @property
    def loaded(self) -> list[str]:
        """The languages analysed so far in this process."""
        return sorted(self._analyses)

    def terms(self, text: str, language: str | None = DEFAULT) -> list[str]:
        """The index terms of ``text`` in ``language``, in order (stopwords removed)."""
        return self.analysis(language).terms(text)

    def tokens(self, text: str, language: str | None = DEFAULT) -> list[Token]:
        """The index terms of ``text`` in ``language`` with their spans in ``text``."""
        return self.analysis(language).tokens(text)

    def query_terms(self, query: str, language: str | None = DEFAULT) -> list[str]:
        """The distinct terms of a question in ``language``, in order of first use."""
        return self.analysis(language).query_terms(query)


__all__ = ["Analyzer", "MAX_TERM_CHARS", "Token", "normalize"]
