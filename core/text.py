"""Vietnamese text handling: NFC normalisation, diacritic-free search keys and dictionary sort keys.

Search ignores diacritics and case ("nguyen van a" finds "Nguyễn Văn A"); lists sort names the
Vietnamese way: by given name, then middle names, then family name, with the Vietnamese alphabet
(a ă â b c d đ e ê …) and the dictionary order of tones (ngang, huyền, hỏi, ngã, sắc, nặng).
"""
import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")
# Invisible format characters: bidirectional overrides and isolates (U+202A–202E, U+2066–2069),
# marks (U+200E/200F, U+061C), zero-width characters, the BOM and the soft hyphen. Vietnamese text
# needs none of them, and in a name they disguise what is shown ("Trojan Source").
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u2064\u2066-\u2069\ufeff]")

# Combining marks that change the letter (ă â ê ô ơ ư) versus those that only carry the tone.
_LETTER_MARKS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
_TONE_MARKS = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]
# Two digits per letter (10..42), digits 0-9 as 43..52.
_LETTER_CODE = {letter: f"{i + 10:02d}" for i, letter in enumerate(_ALPHABET)}
_LETTER_CODE.update({str(d): f"{43 + d:02d}" for d in range(10)})
_COMPOSE = {("a", "breve"): "ă", ("a", "circumflex"): "â", ("e", "circumflex"): "ê",
            ("o", "circumflex"): "ô", ("o", "horn"): "ơ", ("u", "horn"): "ư"}


def clean(value: object) -> str:
    """NFC-normalise, drop invisible format characters, trim and collapse inner whitespace.
    None becomes ''."""
    if value is None:
        return ""
    if type(value) is str and _is_clean(value):
        return value  # most cells and fields are clean already: checked by C calls only
    text = unicodedata.normalize("NFC", str(value))
    if not text.isascii() and _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text).strip()


def _is_clean(text: str) -> bool:
    """Whether ``clean`` would return ``text`` as it is: printable (no control, format or invisible
    characters, no whitespace but the ASCII space), no double space, trimmed, in NFC."""
    return (text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "
            and (text.isascii() or unicodedata.is_normalized("NFC", text)))


def unaccent(value: str) -> str:
    """Lower-case text without diacritics; đ becomes d."""
    text = clean(value)
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search_key(*parts: object) -> str:
    """The text stored for diacritic-insensitive search of a record."""
    return " ".join(unaccent(str(p)) for p in parts if p not in (None, ""))


def header_key(value: object) -> str:
    """Spreadsheet header matching: ignore case, diacritics, spacing and punctuation."""
    return re.sub(r"[^0-9a-z%]", "", unaccent(str(value or "")))


@lru_cache(maxsize=16384)  # a pure function of a word; names repeat their words
def _word_key(word: str) -> str:
    """Letters first, then tones: 'anh' < 'ánh' < 'ânh', and 'an' < 'anh'."""
    letters, tones = [], []
    for cluster in re.findall(r".[\u0300-\u036f]*", unicodedata.normalize("NFD", word.lower())):
        base, marks = cluster[0], cluster[1:]
        tone = 0
        for mark in marks:
            if mark in _LETTER_MARKS:
                base = _COMPOSE.get((base, _LETTER_MARKS[mark]), base)
            tone = _TONE_MARKS.get(mark, tone)
        if base in _LETTER_CODE:
            letters.append(_LETTER_CODE[base])
            tones.append(f"{tone + 1:02d}")
    return "".join(letters) + "00" + "".join(tones)


def vn_sort_key(*groups: str) -> str:
    """Sort key for Vietnamese text; pass the parts in the order they should be compared.

    Each word is its letters, "00", then its tones; "00" closes each group, so a shorter group sorts
    first. Only digits are used, so the key sorts the same under any database collation.
    """
    parts = []
    for group in groups:
        parts.extend(_word_key(word) for word in clean(group).split(" ") if word)
        parts.append("00")
    return "".join(parts)


def split_name(full_name: str) -> tuple[str, str, str]:
    """Split a Vietnamese full name into (family, middle, given)."""
    words = clean(full_name).split(" ")
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


def name_sort_key(full_name: str) -> str:
    """Vietnamese name order: given name, then middle names, then family name."""
    family, middle, given = split_name(full_name)
    return vn_sort_key(given, middle, family)
