"""Swedish: Snowball's swedish stemmer, its stopwords (``stopwords.txt``), accents folded after stemming."""

from retrieval.text.languages.snowball import snowball_language

LANGUAGE = snowball_language("sv", "Swedish", "swedish", __file__)
