"""Serbian: Snowball's stemmer, which reads both of its alphabets (Cyrillic and Latin); no stopword list."""

from retrieval.text.languages.snowball import snowball_language

LANGUAGE = snowball_language("sr", "Serbian", "serbian", __file__, scripts=frozenset({"Latin", "Cyrillic"}))
