"""Characters of Word's Symbol font as Unicode.

Old Word files write Greek letters and math signs as ``<w:sym w:font="Symbol"
w:char="F061"/>`` or as text in the Symbol font, whose codes (0x20-0xFF, or the same in
the private-use range U+F020-U+F0FF) mean other characters than Latin-1: 0x61 is α, 0xDA
is ∨. Read as Unicode they would be wrong letters (Ú) or invisible private-use marks.
The table is Adobe's Symbol encoding; codes it leaves undefined give nothing.
"""

from __future__ import annotations

# Codes 0x20-0xFF in order; "\0" marks a code the encoding leaves undefined.
SYMBOL = (
    " !∀#∃%&∋()∗+,−./0123456789:;<=>?"
    "≅ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ[∴]⊥_"
    "‾αβχδεφγηιϕκλμνοπθρστυϖωξψζ{|}∼\0" + "\0" * 32 + "€ϒ′≤⁄∞ƒ♣♦♥♠↔←↑→↓°±″≥×∝∂•÷≠≡≈…⏐⎯↵"
    "ℵℑℜ℘⊗⊕∅∩∪⊃⊇⊄⊂⊆∈∉∠∇®©™∏√⋅¬∧∨⇔⇐⇑⇒⇓"
    "◊〈®©™∑⎛⎜⎝⎡⎢⎣⎧⎨⎩⎪\0〉∫⌠⎮⌡⎞⎟⎠⎤⎥⎦⎫⎬⎭\0"
)
assert len(SYMBOL) == 224
# Fonts whose codes are pictures, not letters: nothing Unicode can stand for reliably.
PICTURE_FONTS = ("wingdings", "webdings", "zapf dingbats", "marlett", "mt extra")


def is_symbol_font(font: str | None) -> bool:
    return (font or "").strip().lower() == "symbol"


def symbol_text(text: str) -> str:
    """``text`` written in the Symbol font, as the characters Word shows."""
    out = []
    for char in text:
        code = ord(char) - 0xF000 if 0xF020 <= ord(char) <= 0xF0FF else ord(char)
        out.append(SYMBOL[code - 0x20] if 0x20 <= code <= 0xFF else char)
    return "".join(out).replace("\0", "")


def sym_char(font: str | None, code: str | None) -> str:
    """The character of a ``<w:sym w:font=… w:char=…/>`` ("" when there is none to show)."""
    if not code or len(code) != 4:
        return ""
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    if is_symbol_font(font):
        return symbol_text(chr(value))
    if value >= 0xF000 or (font or "").strip().lower().startswith(PICTURE_FONTS):
        return ""
    return chr(value)
