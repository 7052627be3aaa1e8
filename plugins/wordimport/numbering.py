"""Word list numbering: ``numPr`` -> ``num`` -> ``abstractNum`` -> level, with counters.

Word keeps one counter per level for each abstract definition; a ``num`` that overrides a
start value (``lvlOverride/startOverride``) restarts its own counters, which is how
"restart numbering" is stored. Labels are built from ``lvlText`` (``%1.%2``) with each
level's format, including the Chinese ones (一、 （一） ① 甲).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plugins.wordimport.ooxml import attr, q

# Formats Markdown can show as an ordered list (its numbers are decimal, like pandoc's).
ORDERED_FORMATS = {
    "decimal",
    "decimalZero",
    "lowerLetter",
    "upperLetter",
    "lowerRoman",
    "upperRoman",
    "ordinal",
    "cardinalText",
    "ordinalText",
    "decimalHalfWidth",
}
CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
CHINESE_DIGITS = "零一二三四五六七八九"
HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"


@dataclass(frozen=True)
class Level:
    """One level of a list definition."""

    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    legal: bool = False

    @property
    def bullet(self) -> bool:
        return self.fmt == "bullet"


@dataclass(frozen=True)
class ListItem:
    """A numbered paragraph: its list, level, number and the label Word would show."""

    key: tuple
    level: int
    bullet: bool
    number: int
    label: str
    literal: bool  # Markdown cannot show this label (一、, 1.1, ①): keep it as text


def _chinese(number: int) -> str:
    if number <= 0 or number >= 100000:
        return str(number)
    units = ["", "十", "百", "千", "万"]
    digits = [int(d) for d in str(number)]
    out, zero = "", False
    for position, digit in enumerate(digits):
        unit = units[len(digits) - position - 1]
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += CHINESE_DIGITS[digit] + unit
    return out[1:] if 10 <= number < 20 else out


def _letters(number: int) -> str:
    letter = chr(ord("a") + (number - 1) % 26)
    return letter * ((number - 1) // 26 + 1)


def _roman(number: int) -> str:
    table = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ]
    out = ""
    for value, letters in table:
        while number >= value:
            out += letters
            number -= value
    return out


# The "capital" numerals of contracts and invoices (壹贰叁), from the everyday ones.
LEGAL_SIMPLIFIED = str.maketrans("一二三四五六七八九十百千万", "壹贰叁肆伍陆柒捌玖拾佰仟万")
LEGAL_TRADITIONAL = str.maketrans("一二三四五六七八九十百千万", "壹貳參肆伍陸柒捌玖拾佰仟萬")


def format_number(number: int, fmt: str) -> str:
    """``number`` written in a Word numbering format."""
    if fmt == "none":
        # Word shows no number (LibreOffice writes its unnumbered headings this way).
        return ""
    if fmt in {"lowerLetter", "upperLetter"}:
        text = _letters(number)
        return text.upper() if fmt == "upperLetter" else text
    if fmt in {"lowerRoman", "upperRoman"}:
        text = _roman(number)
        return text.upper() if fmt == "upperRoman" else text
    if fmt in {
        "chineseCounting",
        "chineseCountingThousand",
        "japaneseCounting",
        "taiwaneseCounting",
        # LibreOffice writes 一、二、三 this way.
        "taiwaneseCountingThousand",
        "ideographDigital",
    }:
        return _chinese(number)
    if fmt == "chineseLegalSimplified":
        return _chinese(number).translate(LEGAL_SIMPLIFIED)
    if fmt == "ideographLegalTraditional":
        return _chinese(number).translate(LEGAL_TRADITIONAL)
    if fmt == "ideographTraditional":
        return HEAVENLY_STEMS[(number - 1) % 10]
    if fmt == "ideographZodiac":
        return EARTHLY_BRANCHES[(number - 1) % 12]
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + number - 1) if 1 <= number <= 20 else f"({number})"
    if fmt == "decimalEnclosedParen":
        return chr(0x2474 + number - 1) if 1 <= number <= 20 else f"({number})"
    if fmt == "decimalEnclosedFullstop":
        return chr(0x2488 + number - 1) if 1 <= number <= 20 else f"{number}."
    if fmt == "decimalFullWidth":
        return "".join(chr(0xFF10 + int(d)) for d in str(number))
    if fmt == "decimalZero":
        return f"{number:02d}"
    return str(number)


def _level(element) -> Level:
    fmt = attr(element.find(q("w:numFmt")), "w:val", "decimal")
    text = attr(element.find(q("w:lvlText")), "w:val", "")
    start = attr(element.find(q("w:start")), "w:val", "1")
    return Level(
        fmt,
        text or "",
        int(start) if start.lstrip("-").isdigit() else 1,
        element.find(q("w:isLgl")) is not None,
    )


class Numbering:
    """The document's list definitions and the running counters of one conversion."""

    def __init__(self, numbering_element, styles: dict | None = None):
        self.abstract: dict[str, dict[int, Level]] = {}
        self.style_links: dict[str, str] = {}
        self.nums: dict[str, tuple[str, dict[int, Level], dict[int, int]]] = {}
        self.counters: dict[tuple, list[int | None]] = {}
        self.started: set[str] = set()
        self.styles = styles or {}
        if numbering_element is None:
            return
        for abstract in numbering_element.iterchildren(q("w:abstractNum")):
            abstract_id = attr(abstract, "w:abstractNumId")
            self.abstract[abstract_id] = {
                int(attr(lvl, "w:ilvl", "0")): _level(lvl)
                for lvl in abstract.iterchildren(q("w:lvl"))
            }
            link = attr(abstract.find(q("w:numStyleLink")), "w:val")
            if link:
                self.style_links[abstract_id] = link
        for num in numbering_element.iterchildren(q("w:num")):
            levels, starts = {}, {}
            for override in num.iterchildren(q("w:lvlOverride")):
                ilvl = int(attr(override, "w:ilvl", "0"))
                start = attr(override.find(q("w:startOverride")), "w:val")
                if start is not None and start.isdigit():
                    starts[ilvl] = int(start)
                lvl = override.find(q("w:lvl"))
                if lvl is not None:
                    levels[ilvl] = _level(lvl)
            abstract_id = attr(num.find(q("w:abstractNumId")), "w:val")
            self.nums[attr(num, "w:numId")] = (abstract_id, levels, starts)

    def _levels(self, num_id: str) -> tuple[str, dict[int, Level]] | None:
        if num_id not in self.nums:
            return None
        abstract_id, overrides, _starts = self.nums[num_id]
        link = self.style_links.get(abstract_id)
        style = self.styles.get(link) if link else None
        if style is not None and style.num_id and style.num_id != num_id:
            linked = self._levels(style.num_id)
            if linked:
                abstract_id = linked[0]
        return abstract_id, {**self.abstract.get(abstract_id, {}), **overrides}

    def item(self, num_id: str | None, ilvl: int) -> ListItem | None:
        """Count one numbered paragraph; None if ``num_id`` is no list (0 or unknown)."""
        found = self._levels(num_id) if num_id and num_id != "0" else None
        if found is None:
            return None
        abstract_id, levels = found
        ilvl = max(0, min(ilvl, 8))
        level = levels.get(ilvl, Level())
        starts = self.nums[num_id][2]
        key = ("num", num_id) if starts else ("abstract", abstract_id)
        counters = self.counters.setdefault(key, [None] * 9)
        if starts and num_id not in self.started:
            self.started.add(num_id)
            for override_level, start in starts.items():
                counters[override_level] = start - 1
        counters[ilvl] = (counters[ilvl] + 1) if counters[ilvl] is not None else level.start
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None
        for upper in range(ilvl):
            if counters[upper] is None:
                counters[upper] = levels.get(upper, Level()).start

        def number_of(match: re.Match) -> str:
            index = int(match.group(1)) - 1
            if not 0 <= index <= ilvl:
                return ""
            of = levels.get(index, Level())
            fmt = "decimal" if level.legal and index < ilvl else of.fmt
            return format_number(counters[index] or of.start, fmt)

        label = re.sub(r"%([1-9])", number_of, level.text).strip()
        # Markdown shows 1. 2. 3. at any depth: letters, roman numerals and 1.1 become a
        # nested ordered list (as pandoc does); Chinese and enclosed labels stay as text.
        literal = not level.bullet and (
            level.fmt not in ORDERED_FORMATS or bool(CJK.search(level.text))
        )
        return ListItem(key, ilvl, level.bullet, counters[ilvl], label, literal)
