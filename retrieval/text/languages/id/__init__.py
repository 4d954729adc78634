"""Indonesian: Snowball's indonesian stemmer, its stopwords (``stopwords.txt``), accents folded after stemming. Also answers to ms."""

from retrieval.text.languages.snowball import snowball_language

LANGUAGE = snowball_language("id", "Indonesian", "indonesian", __file__, aliases=('ms',))
