"""Persian words to index terms: compounds and inflections, by rules (pure).

The Persian normaliser already folds the spelling variants (Arabic ي/ى/ك to Persian
ی/ک, alef forms, diacritics, Persian and Arabic digits). This module adds
what a Persian reader writes differently from the article:

- **compounds**: the verb prefix می/نمی and suffixes such as ها, های, ی
  (ezafe), ترین are joined by a ZWNJ (half-space, «می‌شود», «کتاب‌ها»), a
  space («می شود», «کتاب ها») or nothing; all three become one term (a
  verb written without its ZWNJ is recognised by its person ending); other
  ZWNJ compounds («کم‌آبی») become their words, as if written with a space;
- **inflections**: plural ها/های/ان/ات, comparative تر/ترین, the ezafe ی
  after a silent ه («خانه‌ی»), are removed;
- **stopwords** (``stopwords.txt`` beside this module): prepositions,
  conjunctions, pronouns and the like.

Rules, not a library: hazm and parsivar, the maintained Persian stemmers,
pull in NLTK and (hazm) a dozen more packages for a few dozen lines of
suffix rules. The rules err on the side of leaving a word whole: a suffix is
removed only if at least ``MIN_STEM`` letters remain, and words that merely
end like a plural («ایران», «زمان», «پاکستان») are kept. Over-stemming is
harmless for matching (documents and questions get the same term) and
costs only when it merges two real words. Measured in bench/persian.py.
"""

from __future__ import annotations

ZWNJ = "\u200c"
MIN_STEM = 3
# The analyzer's folds that matter here (it folds all of them before ``stem``).
_FOLDS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "آ": "ا", "أ": "ا", "إ": "ا"})


def _folded(words: set[str]) -> frozenset[str]:
    return frozenset(word.translate(_FOLDS) for word in words)

VERB_PREFIXES = _folded({"می", "نمی"})
# Written after a ZWNJ (or a space), these are never a word of their own.
BOUND_SUFFIXES = _folded(
    {"ها", "های", "هایی", "هایم", "هایت", "هایش", "هایمان", "هایتان", "هایشان", "ی", "ای", "ام", "ات", "اش",
     "ایم", "اید", "اند", "مان", "تان", "شان", "تر", "ترین"}
)  # fmt: skip
# Removed from the end of a word, longest first (see the module docstring).
_SUFFIXES = ("هایی", "های", "ها", "ترین", "یان", "ان", "ات", "تر")
# A present-tense verb ends in one of these (the person); «میدان», «میزان» and «میلیون» do not.
_PERSON_ENDINGS = ("م", "ی", "د", "یم", "ید", "ند")
# Words that end like a plural or a comparative but are not one (countries and cities ending in ستان are kept too).
_WHOLE = _folded(
    {"ایران", "تهران", "زمان", "جهان", "زبان", "میدان", "پایان", "انسان", "سازمان", "خیابان", "باران", "آسمان",
     "اسمان", "جوان", "نان", "جان", "خان", "آبان", "ابان", "عنوان", "امکان", "مکان", "بیان", "جریان", "دوران",
     "بحران", "پیمان", "فرمان", "میزان", "ارزان", "آسان", "اسان", "کتان", "لبنان", "یونان", "ژاپن", "اصفهان",
     "کرمان", "گیلان", "زنجان", "همدان", "سمنان", "آلمان", "المان", "عمان", "سودان", "روان", "ایمان", "قرآن",
     "قران", "قانون", "دفتر", "بهتر", "کمتر", "بیشتر", "کبوتر", "اختر", "دختر", "چتر", "شتر", "انتخابات",
     "اطلاعات", "ساعات", "حیات", "صفات", "ثبات", "نجات", "زکات", "اوقات", "میهنم", "میلاد", "میعاد",
     "میدانی", "میزبانی", "میانی"}
)  # fmt: skip



def join_compound(raw: str) -> str:
    """One written word with its ZWNJ-joined verb prefix and bound suffixes removed: «می‌شوند» → «شوند».

    What remains of a ZWNJ compound is split into words («کم‌آبی» → «کم آبی»),
    as readers who cannot type a ZWNJ write it with a space.
    """
    if ZWNJ not in raw:
        return raw
    parts = [part for part in raw.split(ZWNJ) if part]
    if len(parts) > 1 and parts[0].translate(_FOLDS) in VERB_PREFIXES:
        parts = parts[1:]
    while len(parts) > 1 and parts[-1].translate(_FOLDS) in BOUND_SUFFIXES:
        parts.pop()
    return " ".join(parts)


def stem(word: str) -> str:
    """The stem of a normalised Persian word (see the module docstring)."""
    if word in _WHOLE or word.endswith("ستان"):
        return word
    for prefix in ("نمی", "می"):  # a verb written without its ZWNJ: «میشود»
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= MIN_STEM and rest.endswith(_PERSON_ENDINGS) and word not in _WHOLE:
            return rest
    for suffix in _SUFFIXES:
        # ها is a plural whatever precedes it («سدها»); the others need a longer stem to be told from a word's end.
        shortest = 2 if suffix.startswith("ها") else MIN_STEM
        if word.endswith(suffix) and len(word) - len(suffix) >= shortest:
            return word[: -len(suffix)]
    if word.endswith("هی") and len(word) - 1 >= MIN_STEM:  # ezafe after a silent h, written without its ZWNJ
        return word[:-1]
    return word
