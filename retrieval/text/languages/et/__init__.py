"""Estonian: Snowball's estonian stemmer, no stopword list (none is published that Lucene or Snowball ship), accents folded after stemming."""

from retrieval.text.languages.snowball import snowball_language

LANGUAGE = snowball_language("et", "Estonian", "estonian", __file__)
