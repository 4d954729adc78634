"""Finnish: Snowball's finnish stemmer, its stopwords (``stopwords.txt``), accents folded after stemming."""

from retrieval.text.languages.snowball import snowball_language

LANGUAGE = snowball_language("fi", "Finnish", "finnish", __file__)
