"""Dutch: Snowball's dutch stemmer, its stopwords (``stopwords.txt``), accents folded after stemming."""

from retrieval.text.languages.snowball import snowball_language

LANGUAGE = snowball_language("nl", "Dutch", "dutch", __file__)
