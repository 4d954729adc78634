"""Nepali: Snowball's stemmer (Devanagari; Hindi is that script's default elsewhere); no stopword list."""

from retrieval.text.languages.snowball import snowball_language

LANGUAGE = snowball_language("ne", "Nepali", "nepali", __file__, scripts=frozenset({"Devanagari"}))
