"""Which writing system a character belongs to, and which are written without spaces between words (pure).

A word is analysed by the language that owns its script (a Cyrillic name
inside an English article by the Russian analysis); a run of a script
written without spaces (Chinese, Japanese, Thai…) must be cut into words
before it can be searched. Scripts are told by Unicode block, which is all
that choice needs and far cheaper than ``unicodedata.name``.
"""

from __future__ import annotations

import bisect
import re

# (first code point, script); a block runs to the next one. Anything else is "Common" (digits, signs).
_BLOCKS: tuple[tuple[int, str], ...] = (
    (0x0000, "Common"),
    (0x0041, "Latin"),
    (0x005B, "Common"),
    (0x0061, "Latin"),
    (0x007B, "Common"),
    (0x00C0, "Latin"),
    (0x0250, "Common"),
    (0x0370, "Greek"),
    (0x0400, "Cyrillic"),
    (0x0530, "Armenian"),
    (0x0590, "Hebrew"),
    (0x0600, "Arabic"),
    (0x0700, "Common"),
    (0x0750, "Arabic"),
    (0x0780, "Common"),
    (0x0900, "Devanagari"),
    (0x0980, "Common"),
    (0x0B80, "Tamil"),
    (0x0C00, "Common"),
    (0x0E00, "Thai"),
    (0x0E80, "Lao"),
    (0x0F00, "Common"),
    (0x1000, "Myanmar"),
    (0x10A0, "Common"),
    (0x1100, "Hangul"),
    (0x1200, "Common"),
    (0x1780, "Khmer"),
    (0x1800, "Common"),
    (0x1E00, "Latin"),
    (0x1F00, "Greek"),
    (0x2000, "Common"),
    (0x3040, "Kana"),
    (0x3100, "Common"),
    (0x3130, "Hangul"),
    (0x3190, "Common"),
    (0x3400, "Han"),
    (0x4DC0, "Common"),
    (0x4E00, "Han"),
    (0xA000, "Common"),
    (0xAC00, "Hangul"),
    (0xD7B0, "Common"),
    (0xF900, "Han"),
    (0xFB00, "Common"),
    (0xFB50, "Arabic"),
    (0xFE00, "Common"),
    (0xFE70, "Arabic"),
    (0xFF00, "Common"),
    (0x20000, "Han"),
    (0x2FA20, "Common"),
)
_STARTS = [start for start, _ in _BLOCKS]

# Written without spaces between words: a run of these is cut into words (Hangul is spaced,
# but its syllable blocks are searched as pairs too, as Lucene's CJK analyser does).
UNSPACED_SCRIPTS = frozenset({"Han", "Kana", "Hangul", "Thai", "Lao", "Khmer", "Myanmar"})
_UNSPACED_CLASS = (
    "\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u3040-\u30ff\u3130-\u318f"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002fa1f"
)
UNSPACED = re.compile(f"[{_UNSPACED_CLASS}]")
# A word as the tokenizer found it, cut where a script without spaces starts or stops ("iPhone手机").
UNSPACED_RUNS = re.compile(f"[{_UNSPACED_CLASS}]+|[^{_UNSPACED_CLASS}]+")


def script_of(character: str) -> str:
    """The script of one character ("Latin", "Han", "Common"…)."""
    return _BLOCKS[bisect.bisect_right(_STARTS, ord(character)) - 1][1]


def word_script(word: str) -> str:
    """The script of a word: of its first letter ("Common" for a number)."""
    for character in word:
        if character.isalpha():
            return script_of(character)
    return "Common"
