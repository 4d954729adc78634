"""Danish: Snowball's danish stemmer, its stopwords (``stopwords.txt``), accents folded after stemming."""

from retrieval.text.languages.snowball import snowball_language

LANGUAGE = snowball_language("da", "Danish", "danish", __file__)
