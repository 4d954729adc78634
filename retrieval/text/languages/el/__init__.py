"""Greek: accents (tonos, dialytika) and final sigma folded as Lucene's GreekLowerCaseFilter does, then Lucene's
stopwords and Snowball's stemmer; the default for Greek script."""

from __future__ import annotations

import unicodedata

from retrieval.text.languages.snowball import snowball_language


def _greek_accents() -> dict[int, str | None]:
    table: dict[int, str | None] = {ord("ς"): "σ"}
    for code in [*range(0x0370, 0x0400), *range(0x1F00, 0x2000)]:
        base = "".join(ch for ch in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(ch))
        if base and base != chr(code):
            table[code] = base.casefold()
    return table


LANGUAGE = snowball_language(
    "el",
    "Greek",
    "greek",
    __file__,
    scripts=frozenset({"Greek"}),
    default_for=frozenset({"Greek"}),
    extra=_greek_accents(),
)
