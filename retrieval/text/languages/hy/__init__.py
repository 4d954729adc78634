"""Armenian: Snowball's stemmer and Lucene's stopwords; the default for Armenian script."""

from retrieval.text.languages.snowball import snowball_language

LANGUAGE = snowball_language(
    "hy", "Armenian", "armenian", __file__, scripts=frozenset({"Armenian"}), default_for=frozenset({"Armenian"})
)
