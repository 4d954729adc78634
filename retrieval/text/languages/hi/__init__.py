"""Hindi: Snowball's stemmer and Jacques Savoy's stopwords; the default for Devanagari."""

from retrieval.text.languages.snowball import snowball_language

LANGUAGE = snowball_language(
    "hi", "Hindi", "hindi", __file__, scripts=frozenset({"Devanagari"}), default_for=frozenset({"Devanagari"})
)
