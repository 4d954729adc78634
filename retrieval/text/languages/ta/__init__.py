"""Tamil: Snowball's stemmer; the default for Tamil script; no stopword list. Its folder is all there is of it: added or removed without touching any other language."""

from retrieval.text.languages.snowball import snowball_language

LANGUAGE = snowball_language("ta", "Tamil", "tamil", __file__, scripts=frozenset({"Tamil"}), default_for=frozenset({"Tamil"}))
