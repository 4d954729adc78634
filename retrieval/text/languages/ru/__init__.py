"""Russian: Snowball's stemmer and stopwords, ё read as е (most Russian text does not write it); default for Cyrillic."""

from retrieval.text.languages.snowball import snowball_language

LANGUAGE = snowball_language(
    "ru",
    "Russian",
    "russian",
    __file__,
    scripts=frozenset({"Cyrillic"}),
    default_for=frozenset({"Cyrillic"}),
    extra={ord("ё"): "е"},
)
