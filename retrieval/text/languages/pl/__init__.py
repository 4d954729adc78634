"""Polish: Snowball's polish stemmer, its stopwords (``stopwords.txt``), accents folded after stemming."""

from retrieval.text.languages.snowball import snowball_language

LANGUAGE = snowball_language("pl", "Polish", "polish", __file__)
