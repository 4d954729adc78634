"""Irish: Snowball's irish stemmer, its stopwords (``stopwords.txt``), accents folded after stemming."""

from retrieval.text.languages.snowball import snowball_language

LANGUAGE = snowball_language("ga", "Irish", "irish", __file__)
