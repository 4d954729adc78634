"""Basque: Snowball's basque stemmer, its stopwords (``stopwords.txt``), accents folded after stemming."""

from retrieval.text.languages.snowball import snowball_language

LANGUAGE = snowball_language("eu", "Basque", "basque", __file__)
