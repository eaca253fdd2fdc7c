"""Page texts. A page names a case, never a person: no message text, no name, no handle, no number.

Arabic pages are UCS-2 (67 characters a segment when split), so they are kept within two segments (≤ 134);
English pages stay in one GSM-7 segment (≤ 160) where the link allows.
"""

from __future__ import annotations

from collections.abc import Sequence

from triage.cases import LABEL_ORDER

CATEGORY_NAMES: dict[str, dict[str, str]] = {
    "self_harm": {"ar": "إيذاء النفس", "en": "self-harm"},
    "domestic_violence": {"ar": "عنف أسري", "en": "domestic violence"},
    "child_protection": {"ar": "حماية طفل", "en": "child protection"},
    "imminent_danger": {"ar": "خطر وشيك", "en": "imminent danger"},
    "disaster": {"ar": "كارثة", "en": "disaster"},
    "": {"ar": "حالة حساسة", "en": "sensitive case"},
}
# The category shown is the most dangerous one (the order that also routes the case to a team): the responder
# learns the rest after signing in.
CATEGORY_ORDER = LABEL_ORDER
# A bundle lists at most this many codes (the rest as "+n"), so an Arabic bundle stays within 2 segments.
MAX_LISTED = 8
# Twilio <Say> voices for the voice fallback.
VOICE_LANGUAGES = {"ar": "ar-AE", "en": "en-US"}


def main_category(labels: list[str]) -> str:
    return next((c for c in CATEGORY_ORDER if c in labels), "")


def render_page(code: str, labels: list[str], priority: str, link: str, lang: str) -> str:
    category = CATEGORY_NAMES[main_category(labels)]
    if lang == "ar":
        return f"نجدة {priority}: حالة {code} - {category['ar']}. للرد: 1 استلام، 3 تصعيد. {link}"
    return f"Najda {priority}: case {code} - {category['en']}. Reply 1 to ack, 3 to escalate. {link}"


def render_bundle(codes: Sequence[str], priority: str, link: str, lang: str) -> str:
    """Several cases for one responder in one SMS (noise control): codes only, highest priority shown."""
    listed = " ".join(codes[:MAX_LISTED]) + (f" +{len(codes) - MAX_LISTED}" if len(codes) > MAX_LISTED else "")
    if lang == "ar":
        return f"نجدة {priority}: {len(codes)} حالات {listed}. للرد: 1 ورمز الحالة. {link}"
    return f"Najda {priority}: {len(codes)} cases {listed}. Reply 1 and a code to ack. {link}"


def case_link(public_url: str, code: str) -> str:
    return f"{public_url.rstrip('/')}/c/{code}"


def voice_prompts(code: str, priority: str) -> list[tuple[str, str]]:
    """The spoken page, Arabic then English: the code letter by letter, keypad 1 to acknowledge, 2 to escalate."""
    spelled = " ".join(code)
    return [
        (VOICE_LANGUAGES["ar"], f"نجدة. حالة عاجلة {priority}، الرمز {spelled}. اضغط 1 للاستلام، أو 2 للتصعيد."),
        (VOICE_LANGUAGES["en"],
         f"Najda. Urgent case {priority}, code {spelled}. Press 1 to acknowledge, 2 to escalate."),
    ]


REPLIES: dict[str, dict[str, str]] = {
    "acknowledged": {"ar": "تم: الحالة {code} عند {holder}.", "en": "OK: case {code} is held by {holder}."},
    "already_held": {"ar": "الحالة {code} عند {holder} مسبقاً.", "en": "Case {code} is already held by {holder}."},
    "resolved": {"ar": "تم إغلاق الحالة {code} ({holder}).", "en": "Case {code} resolved by {holder}."},
    "escalated": {"ar": "صُعّدت الحالة {code} للمستوى التالي.", "en": "Case {code} escalated to the next level."},
    "no_case": {"ar": "لا توجد حالة مفتوحة {code}.", "en": "No open case {code}."},
    "no_open_cases": {"ar": "لا توجد حالات مفتوحة لك.", "en": "You have no open cases."},
    "which_case": {"ar": "عدة حالات مفتوحة: {codes}. أرسل مثلاً: 1 {example}", "en":
                   "Several open cases: {codes}. Reply e.g. 1 {example}"},
    "help": {"ar": "للرد: 1 استلام، 2 إغلاق، 3 تصعيد، مع رمز الحالة عند الحاجة.",
             "en": "Reply 1 ack, 2 resolve, 3 escalate, plus the case code if needed."},
}


def render_reply(key: str, lang: str, **values: str) -> str:
    texts = REPLIES[key]
    return texts.get(lang, texts["en"]).format(**values)
