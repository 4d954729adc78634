"""Lithuanian: Snowball's lithuanian stemmer, no stopword list (none is published that Lucene or Snowball ship), accents folded after stemming."""

from retrieval.text.languages.snowball import snowball_language

LANGUAGE = snowball_language("lt", "Lithuanian", "lithuanian", __file__)
