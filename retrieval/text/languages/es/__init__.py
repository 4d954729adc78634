"""Spanish: Snowball's spanish stemmer, its stopwords (``stopwords.txt``), accents folded after stemming."""

from retrieval.text.languages.snowball import snowball_language

LANGUAGE = snowball_language("es", "Spanish", "spanish", __file__)
