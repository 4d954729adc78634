"""Arabic: normalised as Arabic (not Persian), Savoy's stopwords, Snowball's Arabic stemmer.

Normalising as Lucene's ArabicNormalizer: alef with hamza or madda → ا,
ى → ي, and Persian keyboards' ی → ي, ک → ك; diacritics and tatweel
dropped. Snowball removes ال, بال, لل and و but not وال, فال, كال
(«والكتاب» stays whole), so those go first, as Lucene's ArabicStemmer's
prefixes. After stemming ة is read as ه, as readers often write it.
Persian, in the same script, keeps its own rules (``..fa``).
"""

from retrieval.text.languages.snowball import snowball_language
from retrieval.text.languages.steps import ARABIC_LETTERS, strip_prefixes

_LETTERS = {code: plain for code, plain in ARABIC_LETTERS.items() if chr(code) != "ة"}


def teh_marbuta_as_heh(word: str) -> str:
    """«مدرسة» and «مدرسه» as one: the stemmer has seen ة, the reader may type ه."""
    return word.replace("ة", "ه")


LANGUAGE = snowball_language(
    "ar",
    "Arabic",
    "arabic",
    __file__,
    scripts=frozenset({"Arabic"}),
    extra=_LETTERS,
    before_stem=(strip_prefixes(("وال", "فال", "كال"), keep=3),),
    after_stem=(teh_marbuta_as_heh,),
    stem_is_prefix=False,
)
