"""Arabizi: the Arabic lexicons read in Latin letters.

People who write Arabic in Latin letters use the same words the Arabic lists hold ("ajra7 nafsi" is اجرح نفسي,
"ubooy y6ig omy" is ابوي يطق امي), with digits for the letters Latin lacks and vowels as they please. A
hand-kept Arabizi list is always a fraction of the Arabic one, so every Arabic entry is also turned into a
pattern over the consonant skeleton (`normalise.arabizi_skeleton`) that Latin text is matched on: long vowels
and hamza drop out, each Arabic consonant becomes the Latin letters or digits it is written with.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from classifiers.normalise import arabizi_skeleton
from classifiers.spelling import speaks_of_writer

# Each folded Arabic letter -> how it appears in a skeleton ("" = dropped like a vowel). Several spellings are
# common for one letter: ط as 6 or t, ق as q/g/8 (all "8" in the skeleton), k, or a glottal 2 (a vowel there),
# ذ as d, z or th ("bya5thni" is بياخذني).
_LETTER: dict[str, tuple[str, ...]] = {
    "ب": ("b",), "ت": ("t",), "ث": ("t", "s"), "ج": ("j", "8"), "ح": ("7", "h"), "خ": ("5",),
    "د": ("d",), "ذ": ("d", "z", "t"), "ر": ("r",), "ز": ("z",), "س": ("s",), "ش": ("$",), "ص": ("9", "s"),
    "ض": ("d", "9"), "ط": ("6", "t"), "ظ": ("6", "z", "d"), "ع": ("3",), "غ": ("8",), "ف": ("f",),
    "ق": ("8", "k", ""), "ك": ("k",), "ل": ("l",), "م": ("m",), "ن": ("n",), "ه": ("h",),
    "ا": ("",), "ء": ("",), "و": ("",), "ي": ("",),
}
# A word-initial letter that is (or may be) a vowel leaves the skeleton's "a" marker, as in arabizi_skeleton.
_INITIAL: dict[str, tuple[str, ...]] = {"ا": ("a",), "ء": ("a",), "و": ("w",), "ي": ("y",), "ق": ("8", "k", "a")}
_WORD = "[a-z0-9$]"
MAX_VARIANTS = 64  # spellings per word; an entry with more is left to the hand-kept Arabizi list
MIN_LETTERS = 4  # shorter skeletons ("mt" for موت) are shared by too many unrelated Latin words
GAP = "?"
# Prepositions the article runs into: في السرير is "fel sereer", على الدرج "3al daraj" (skeletons "fl", "3l")
_CONTRACTED: dict[str, str] = {"في": "fl", "علي": "3l"}


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern[str]
    letters: int  # skeleton letters in the shortest spelling


def _collapse(chars: list[str]) -> str:
    out: list[str] = []
    for ch in chars:
        if ch and not (out and out[-1] == ch):
            out.append(ch)
    return "".join(out)


def _spellings(word: str, initial: bool, alone: bool = False) -> set[str]:
    """Skeleton spellings of one Arabic word (no article); `initial`: the word starts a Latin word; `alone`: it
    is a whole entry."""
    options: list[tuple[str, ...]] = []
    for i, ch in enumerate(word):
        if ch.isdigit():
            options.append((ch,))  # an age: "عمره 13"
            continue
        if ch not in _LETTER:
            return set()  # a Latin or unknown letter: not an Arabizi-able entry
        opts = _INITIAL.get(ch, _LETTER[ch]) if i == 0 and initial else _LETTER[ch]
        if ch == "ه" and i == len(word) - 1 and i > 0 and not alone:
            # ة/ه at the end ("shafra", "darabo"): a vowel. Not in a one-word entry, where dropping the "his"
            # leaves a bare verb: يحرقه would read "y7ar8 a3sabi" (it burns my nerves).
            opts = ("h", "")
        if ch == "ق" and i == len(word) - 1:
            opts = ("8", "k")  # a final glottal "2" would leave nothing: "7ari2" and "7ar" (heat) alike
        options.append(opts)
    if initial and not alone and len(word) > 2 and word[0] in "يت":
        # the dialects' tense prefix on a present verb: "byedrob" (بيضرب), "hay2telni" (هيقتلني); not on a
        # one-word entry, where "bt9r" (بتضرر) is also "bat9eer" (it will become)
        first = options[0]
        options[0] = first + tuple(p + ("" if c == "y" else c) for p in ("b", "h") for c in first)
    elif initial and not alone and len(word) > 2 and word[0] == "ا":
        options[0] = ("a", "b", "h")  # and in the first person the alef goes: "hashrab" (هشرب) is اشرب
    out: set[str] = set()
    for combo in itertools.islice(itertools.product(*options), MAX_VARIANTS * 4):
        out.add(_collapse(list(combo)))
    return out if len(out) <= MAX_VARIANTS else set()


def _word_regex(word: str, alone: bool = False) -> tuple[str, int] | None:
    """Regex for one lexicon word (with `*` wildcards and the article), and its shortest skeleton length
    (article not counted). `alone`: a one-word entry, which keeps only spellings long enough to stand alone."""
    prefix = word.startswith("*")
    suffix = word.endswith("*")
    core = word.strip("*")
    forms: set[str] = set()
    if core.startswith("ال") and len(core) > 3:
        rest = core[2:]
        forms |= {"al" + s for s in _spellings(rest, False, alone)}  # "al7boob"
        forms |= {"al " + s for s in _spellings(rest, True, alone)}  # "el 7boob"
    else:
        forms = _spellings(core, True, alone)
        if core.startswith("بال") and len(core) > 4 and not alone:
            forms |= {"bl " + s for s in _spellings(core[3:], True)}  # بالبير: "bel bir", "bil bir"

    def letters(form: str) -> int:
        return len(form.replace(" ", "")) - (2 if core.startswith("ال") and len(core) > 3 else 0)

    forms = {f for f in forms if f and letters(f) >= (MIN_LETTERS if alone else 1)}
    if not forms:
        return None
    alternation = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    regex = f"(?:{alternation})"
    if prefix:
        regex = f"{_WORD}{{0,3}}" + regex  # "بالانتحار": b/l/w before the word
    if suffix:
        regex += f"{_WORD}*"
    return regex, min(letters(f) for f in forms)


def from_arabic(entry: str) -> Pattern | None:
    """A skeleton pattern for one folded Arabic lexicon entry, or None where none is safe."""
    parts: list[str] = []
    letters = 0
    words = entry.split()
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if word == GAP:
            parts.append(f"(?:{_WORD}+ )?")
            continue
        compiled = _word_regex(word, alone=len(words) == 1)
        if compiled is None:
            return None
        regex, n = compiled
        following = words[i] if i < len(words) else ""
        if word in _CONTRACTED and following.startswith("ال") and len(following) > 3 and "*" not in following:
            # "fel sereer" (في السرير), "3al daraj" (على الدرج): the article runs into the preposition
            noun, rest = _word_regex(following), _word_regex(following[2:])
            if noun is not None and rest is not None:
                parts.append(f"(?:{regex} {noun[0]}|{_CONTRACTED[word]} {rest[0]}) ")
                letters += n + noun[1]
                i += 1
                continue
        parts.append(regex + " ")
        letters += n
    if letters < MIN_LETTERS or not parts:
        return None
    body = "".join(parts).rstrip(" ")
    if body.endswith(" )?"):
        return None  # an entry ending in a gap
    return Pattern(re.compile(rf"(?<!{_WORD}){body}(?!{_WORD})"), letters)


def first_person(entry: str) -> bool:
    """The Arabic entry speaks of the writer: a word ending in "my"/"me"/"us" or an explicit I/we."""
    return any(speaks_of_writer(word) for word in entry.replace("*", "").split())


def skeleton_pattern(latin: str) -> re.Pattern[str]:
    """A hand-written Arabizi entry or cue ("zoji yedrubni", "al7een") as a whole-word pattern on the skeleton."""
    return re.compile(rf"(?<!{_WORD}){re.escape(arabizi_skeleton(latin).text)}(?!{_WORD})")
