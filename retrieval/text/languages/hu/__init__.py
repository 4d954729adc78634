"""Hungarian: Snowball's hungarian stemmer, its stopwords (``stopwords.txt``), accents folded after stemming."""

from retrieval.text.languages.snowball import snowball_language

LANGUAGE = snowball_language("hu", "Hungarian", "hungarian", __file__)
