"""Catalan: Snowball's catalan stemmer, its stopwords (``stopwords.txt``), accents folded after stemming."""

from retrieval.text.languages.snowball import snowball_language

LANGUAGE = snowball_language("ca", "Catalan", "catalan", __file__)
