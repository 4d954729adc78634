"""Text safe to store and show: control characters and bidi overrides out. Pure.

Article text comes from files, feeds and pages anyone can write; a title
holding an escape sequence must not recolour an admin's terminal, and a
bidi override must not make a line read backwards ("Trojan source").
"""

from __future__ import annotations

# C0 controls but tab and newline, DEL, C1 controls, and the bidi embeddings,
# overrides and isolates that can make a line read backwards ("Trojan
# source"); the marks LRM/RLM/ALM and ZWNJ, which Persian text needs, stay.
_CONTROLS = {
    code: None
    for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF]
    if code not in (0x09, 0x0A)
}
_CONTROLS[0x0D] = "\n"


def strip_controls(text: str) -> str:
    """``text`` without control characters a terminal or a chat could act on (escapes, bell, NUL, bidi overrides).

    Carriage returns become line breaks.
    """
    return text.replace("\r\n", "\n").translate(_CONTROLS)
