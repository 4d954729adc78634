"""Norwegian: Snowball's norwegian stemmer, its stopwords (``stopwords.txt``), accents folded after stemming. Also answers to nb, nn."""

from retrieval.text.languages.snowball import snowball_language

LANGUAGE = snowball_language("no", "Norwegian", "norwegian", __file__, aliases=('nb', 'nn'))
