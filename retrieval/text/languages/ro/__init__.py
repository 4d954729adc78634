"""Romanian: ş and ţ with a cedilla read as ș and ț with a comma (both are typed), Savoy's stopwords,
Snowball's stemmer, accents folded after stemming."""

from retrieval.text.languages.snowball import snowball_language

_COMMA_BELOW = {ord("ş"): "ș", ord("ţ"): "ț", ord("Ş"): "ș", ord("Ţ"): "ț"}

LANGUAGE = snowball_language("ro", "Romanian", "romanian", __file__, extra=_COMMA_BELOW)
