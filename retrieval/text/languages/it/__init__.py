"""Italian: Snowball's italian stemmer, its stopwords (``stopwords.txt``), accents folded after stemming."""

from retrieval.text.languages.snowball import snowball_language

LANGUAGE = snowball_language("it", "Italian", "italian", __file__)
