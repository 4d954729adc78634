"""Turkish: as Lucene's Turkish analyser: a suffix after an apostrophe cut ("Türkiye'nin"), lower case with the
dotless ı (I → ı, İ → i), stopwords, Snowball's stemmer; then accents folded (ş → s) for readers who type without."""

from retrieval.text.languages.snowball import snowball_language
from retrieval.text.languages.steps import cut_at_apostrophe, turkish_lower

LANGUAGE = snowball_language(
    "tr", "Turkish", "turkish", __file__, lower=turkish_lower, prepare=(cut_at_apostrophe,)
)
