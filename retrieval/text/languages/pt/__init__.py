"""Portuguese: Snowball's portuguese stemmer, its stopwords (``stopwords.txt``), accents folded after stemming."""

from retrieval.text.languages.snowball import snowball_language

LANGUAGE = snowball_language("pt", "Portuguese", "portuguese", __file__)
