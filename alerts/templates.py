"""Page texts. A page names a case, never a person: no message text, no name, no handle, no number.

Arabic pages are UCS-2 (67 characters a segment when split), so they are kept within two segments (≤ 134);
English pages stay in one GSM-7 segment (≤ 160) where the link allows.
"""

from __future__ import annotations

CATEGORY_NAMES: dict[str, dict[str, str]] = {
    "self_harm": {"ar": "إيذاء النفس", "en": "self-harm"},
    "domestic_violence": {"ar": "عنف أسري", "en": "domestic violence"},
    "child_protection": {"ar": "حماية طفل", "en": "child protection"},
    "imminent_danger": {"ar": "خطر وشيك", "en": "imminent danger"},
    "disaster": {"ar": "كارثة", "en": "disaster"},
    "": {"ar": "حالة حساسة", "en": "sensitive case"},
}
# The category shown is the most dangerous one: the responder learns the rest after signing in.
CATEGORY_ORDER = ("self_harm", "imminent_danger", "child_protection", "domestic_violence", "disaster")


def main_category(labels: list[str]) -> str:
    return next((c for c in CATEGORY_ORDER if c in labels), "")


def render_page(code: str, labels: list[str], priority: str, link: str, lang: str) -> str:
    category = CATEGORY_NAMES[main_category(labels)]
    if lang == "ar":
        return f"نجدة {priority}: حالة {code} - {category['ar']}. للرد: 1 استلام، 3 تصعيد. {link}"
    return f"Najda {priority}: case {code} - {category['en']}. Reply 1 to ack, 3 to escalate. {link}"


def case_link(public_url: str, code: str) -> str:
    return f"{public_url.rstrip('/')}/c/{code}"
