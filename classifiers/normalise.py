"""Arabic/English normalisation that remembers where every character came from.

`normalise(text)` returns the folded string and, for each of its characters, the index of the character in the
original text it came from. Evidence spans found on the folded text are mapped back through `span()`, so a
social worker sees the exact words the citizen wrote, never our folded version.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# Diacritics (harakat, tanwin, shadda, sukun, dagger alef), Quranic marks, tatweel, bidi and zero-width marks:
# they carry no signal for triage and break matching when present.
_DROP = set(range(0x064B, 0x0660)) | {0x0670, 0x0640} | set(range(0x06D6, 0x06EE))
_DROP |= {0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0xFEFF, 0x061C} | set(range(0x202A, 0x202F))
_DROP |= set(range(0x2066, 0x206A))

_MAP: dict[str, str] = {
    # alef and hamza seats
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ؤ": "و",
    "ئ": "ي",
    # alef maqsura and ta marbuta (spelled interchangeably online)
    "ى": "ي",
    "ة": "ه",
    # Persian/Urdu letters used in Gulf writing and by expatriate writers
    "ی": "ي",
    "ک": "ك",
    "گ": "ك",
    # Gulf and Iraqi writing spell the affricated kaf چ: "يملچون", "سچين", "بذبحچ", "چنت" are يملكون، سكين، بذبحك، كنت
    "چ": "ك",
    "ڤ": "ف",
    "پ": "ب",
    "ژ": "ز",
    "ھ": "ه",
    "ۀ": "ه",
    # Arabic punctuation
    "،": ",",
    "؛": ";",
    "؟": "?",
    # typographic quotes and apostrophes
    "’": "'",
    "‘": "'",
    "“": '"',
    "”": '"',
    "«": '"',
    "»": '"',
}
for _i in range(10):
    _MAP[chr(0x0660 + _i)] = str(_i)  # Arabic-Indic digits
    _MAP[chr(0x06F0 + _i)] = str(_i)  # Eastern Arabic-Indic digits


def _is_arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufeff"


_ARABIC_CHAR = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufeff]")  # the same ranges, for a whole string


@dataclass(frozen=True)
class Normalised:
    text: str
    offsets: tuple[
        int, ...
    ]  # offsets[i] = index in the original of text[i]; one extra entry = len(original)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the folded text to the original text."""
        if not self.text:
            return (0, 0)
        start = max(0, min(start, len(self.text) - 1))
        end = max(start + 1, min(end, len(self.text)))
        return (self.offsets[start], self.offsets[end - 1] + 1)


_TABLE = {ord(k): v for k, v in _MAP.items()} | {c: None for c in _DROP}
_NEEDS_SLOW_PATH = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in sorted(_DROP)) + r"]|([^\W\d_])\1\1",
    re.IGNORECASE,
)


def normalise(text: str) -> Normalised:
    """Fold `text`; most messages have nothing to drop or shorten and take the one-to-one fast path."""
    if not _NEEDS_SLOW_PATH.search(text):
        folded = text.translate(_TABLE).lower()
        if len(folded) == len(text):
            return Normalised(folded, tuple(range(len(text) + 1)))
    return _normalise_slow(text)


def _normalise_slow(text: str) -> Normalised:
    out: list[str] = []
    offs: list[int] = []
    run = 0
    for i, raw in enumerate(text):
        if ord(raw) in _DROP:
            continue
        ch = _MAP.get(raw, raw)
        if not _is_arabic(ch):
            ch = ch.lower()
            if len(ch) != 1:  # e.g. "İ".lower() is two characters; keep offsets one-to-one
                ch = raw
        # Elongation ("ساااعدوني", "heeeelp"): a run of 3+ identical letters folds to one in Arabic (which
        # writes real doubling with a shadda) and to two in Latin script ("kill" survives).
        run = run + 1 if out and ch == out[-1] and ch.isalpha() else 1
        if run >= 3:
            if run == 3 and _is_arabic(ch):
                out.pop()
                offs.pop()
            continue
        out.append(ch)
        offs.append(i)
    offs.append(len(text))
    return Normalised("".join(out), tuple(offs))


def fold(text: str) -> str:
    """Folded text only (for lexicon entries and training features)."""
    return normalise(text).text


# --- Arabizi (Arabic in Latin letters with digits for missing sounds) ---
_ARABIZI_DIGIT_WORD = re.compile(r"\b[a-z]*[235679][a-z]+\b|\b[a-z]+[235679]\b", re.IGNORECASE)
_ARABIZI_WORDS = frozenset(
    "ana enta inta enti inti wallah wallahi yalla mafi mako ma3 bas bs 3ashan 3shan leh lesh shu shlon "
    "ya3ni abi abgha abga ba3d el al ya habibi allah inshallah mashallah ams alheen al7een hala "
    "zoji zawji zooji ryli rayli jozi jouzi abooy abuy akhoy bdi bde 3ayez abga mout amoot amot "
    "kil kel yom youm wayed wayid shway ma3i ma3ana eshi shi".split()
)


# English times and ordinals ("2am", "5pm", "3rd", "9th") are shaped like Arabizi digit words; on their own they
# say nothing ("3am" is also Levantine "عم"), so they count only beside an Arabizi marker word.
_CLOCK_OR_ORDINAL = re.compile(r"\d+(?:am|pm|st|nd|rd|th)")


# English function words: a tweet with "2day" in it is still English if these outnumber the Arabizi words.
_ENGLISH_WORDS = frozenset(
    "the a an and or of to in on at for with is are was were be been it its this that my your his her our their "
    "i you he she we they me him them not no but from by as have has had will would can could do does did so "
    "if there here what when who how just about all".split()
)


# Everyday Arabizi words without a digit ("bayye byedrob emme kel ma bisker"). Too close to English or
# Spanish words ("ma", "el", "la") to decide on their own, they count half, and only in the strict test, where
# English function words outweigh them.
_ARABIZI_COMMON = frozenset(
    "ma w wa el il fi fe la wala mish msh mesh mu mo mob mub ya hay hayda hathi hadi shu sho esh eish kif keef "
    "laish leish lesh kteer ktir ktiir howa huwa heya hiya e7na i7na ehna intu bayye baba mama emme ommi omi "
    "ummi ubooy abooy abuya ommy ukhti ukhty akhoy akhooy zoji zawji jozi goz gozi rajli marti mart bint walad "
    "al7een hala2 halla2 dilwa2ti delwa2ty alheen tawni yalla lazem lazim bukra bokra ams embare7 ghadi hnak "
    "hon hoon hena".split()
)


def looks_arabizi(text: str, strict: bool = False) -> bool:
    """Latin text written as Arabic. `strict`: at least two Arabizi words, and more of them than English
    function words (for matching the Arabic lexicons' derived patterns, whose short skeletons English words
    share: "hometown" reads as هيموتني)."""
    loose, strict_ = _arabizi_evidence(text)
    return strict_ if strict else loose


@functools.lru_cache(maxsize=8)
def _arabizi_evidence(text: str) -> tuple[bool, bool]:
    """(loose, strict) in one pass; cached because language detection and the rule layer ask about the same
    message in turn."""
    if _ARABIC_CHAR.search(text, 0, 200):
        return False, False
    words = re.findall(r"[a-z0-9']+", text.lower())
    digit_words = [w for w in words if _ARABIZI_DIGIT_WORD.fullmatch(w)]
    weak = sum(1 for w in digit_words if _CLOCK_OR_ORDINAL.fullmatch(w))
    marker_words = sum(1 for w in words if w in _ARABIZI_WORDS)
    loose = len(digit_words) > weak or marker_words >= 2 or (weak >= 1 and marker_words >= 1)
    common = sum(1 for w in words if w in _ARABIZI_COMMON and w not in _ARABIZI_WORDS)
    signal = len(digit_words) - weak + marker_words + common / 2
    strict = signal >= 2 and signal > sum(1 for w in words if w in _ENGLISH_WORDS)
    return loose, strict


_DIGRAPHS = {"kh": "5", "gh": "8", "sh": "$", "ch": "$", "th": "t", "dh": "d"}
# Digits stay digits: they are what tells Arabizi from English ("ba7er" is not "Buhari").
_SINGLE = {"q": "8", "g": "8", "x": "5"}
_VOWELS = set("aeiou2'")
_GLIDES = set("wy")  # long vowels inside a word ("zooji" / "zwji"); a word-initial w/y is a consonant


def arabizi_skeleton(text: str) -> Normalised:
    """Consonant skeleton of Latin text: 'yedrubni' and 'ydrbni' both become 'ydrbn'. Offsets kept.

    Whitespace is copied and nothing reads across it, so the skeleton is built word by word from a cache:
    every Latin-script message is skeletonised, and its words are mostly ones seen before."""
    low = text.lower()
    out: list[str] = []
    offs: list[int] = []
    pos = 0
    for chunk in _SPACE_RUN.split(low):
        if chunk[:1].isspace():
            out.append(chunk)
            offs.extend(range(pos, pos + len(chunk)))
        elif chunk:
            skel, rel = _word_skeleton(chunk)
            out.append(skel)
            offs.extend(pos + r for r in rel)
        pos += len(chunk)
    offs.append(len(text))
    return Normalised("".join(out), tuple(offs))


def arabizi_skeleton_text(text: str) -> str:
    """`arabizi_skeleton(text).text` without the offsets: enough to tell whether anything can match."""
    return "".join(
        chunk if chunk[:1].isspace() else _word_skeleton(chunk)[0] for chunk in _SPACE_RUN.split(text.lower())
    )


_SPACE_RUN = re.compile(r"(\s+)")


@functools.lru_cache(maxsize=65536)
def _word_skeleton(low: str) -> tuple[str, tuple[int, ...]]:
    """Skeleton of one lower-cased run without whitespace, with each kept character's offset in the run."""
    out: list[str] = []
    offs: list[int] = []
    i = 0
    while i < len(low):
        pair = low[i : i + 2]
        if pair in _DIGRAPHS:
            ch, step = _DIGRAPHS[pair], 2
        else:
            ch, step = _SINGLE.get(low[i], low[i]), 1
        if ch in _GLIDES and i and low[i - 1].isalnum():
            i += step
            continue
        if ch == "2" and i and low[i - 1].isalpha() and not any(c.isalnum() for c in low[i + 1 :]):
            # a word-final glottal "2" after a letter is mostly ق ("7ari2" حريق, "ghere2" غرق): read as one, or
            # the word would lose its last consonant and "7ari2" (fire) read as "7ar" (heat)
            ch = "8"
        elif ch in _VOWELS:
            # vowels dropped, except a word-initial one stays as a marker so 'ana' is not an empty word
            prev = low[i - 1] if i else " "
            if prev.isalnum():
                i += step
                continue
            ch = "a"
        if out and ch == out[-1] and ch.isalnum():
            i += step
            continue
        out.append(ch)
        offs.append(i)
        i += step
    return "".join(out), tuple(offs)
