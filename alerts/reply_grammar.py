"""The one grammar for responders' SMS replies, English and Arabic: an action word or digit, and optionally a
case code, in either order ("1", "ack", "تم", "١ K7Q2", "K7Q2 resolve", "ACK k7q2").

Pure: text in, Command (or None) out. Arabic is normalised first (Arabic-Indic digits, alef forms, tatweel,
diacritics) so "تمّ" and "تم" read the same.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass

from triage.cases import CODE_ALPHABET


class Action(enum.StrEnum):
    ACK = "ack"
    RESOLVE = "resolve"
    ESCALATE = "escalate"


WORDS: dict[str, Action] = {}
for _action, _words in (
    (Action.ACK, ("1", "ack", "acknowledge", "ok", "okay", "yes", "y", "تم", "نعم", "استلام", "استلمت", "اوكي")),
    (Action.RESOLVE, ("2", "resolve", "resolved", "close", "closed", "حل", "تم الحل", "اغلاق", "مغلق")),
    (Action.ESCALATE, ("3", "escalate", "esc", "صعد", "تصعيد")),
):
    for _word in _words:
        WORDS[_word] = _action

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_CODE = re.compile(rf"^[{CODE_ALPHABET}]{{4}}$")
_SEPARATORS = re.compile(r"[\s,.;:!?،؛؟\-_#]+")


@dataclass(frozen=True)
class Command:
    action: Action
    code: str | None = None


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_DIGITS)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn" and ch != "\u0640")  # marks, tatweel
    return text.translate(_ALEF).casefold().strip()


def parse(text: str) -> Command | None:
    """The command in a reply, or None when it is not one (the caller answers with help)."""
    tokens = [t for t in _SEPARATORS.split(normalise(text)) if t]
    if not tokens or len(tokens) > 3:
        return None
    code: str | None = None
    words: list[str] = []
    for token in tokens:
        upper = token.upper()
        if code is None and _CODE.match(upper) and token not in WORDS:
            code = upper
        else:
            words.append(token)
    phrase = " ".join(words)
    action = WORDS.get(phrase) or WORDS.get(_ALEF_WORDS.get(phrase, ""))
    if action is None:
        return None
    return Command(action, code)


# Accepted words are stored in their normalised spelling too (e.g. "اغلاق" for "إغلاق").
_ALEF_WORDS = {normalise(word): word for word in WORDS}
