"""Yiddish: Snowball's stemmer (Hebrew script, which it is not the default for: Hebrew has no stemmer here)."""

from retrieval.text.languages.snowball import snowball_language

LANGUAGE = snowball_language("yi", "Yiddish", "yiddish", __file__, scripts=frozenset({"Hebrew"}))
