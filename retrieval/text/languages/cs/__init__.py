"""Czech: Snowball's czech stemmer, its stopwords (``stopwords.txt``), accents folded after stemming."""

from retrieval.text.languages.snowball import snowball_language

LANGUAGE = snowball_language("cs", "Czech", "czech", __file__)
