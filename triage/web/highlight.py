"""Split a message into plain and highlighted pieces from the classifier's evidence spans (character offsets)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Piece:
    text: str
    label: str = ""
    reason: str = ""


def highlight(text: str, evidence: list[dict[str, Any]]) -> list[Piece]:
    """Overlapping spans are merged (first label kept); spans outside the text are ignored, never trusted."""
    spans: list[tuple[int, int, str, str]] = []
    for item in evidence:
        try:
            start, end = int(item["start"]), int(item["end"])
        except (KeyError, TypeError, ValueError):
            continue
        start, end = max(0, start), min(len(text), end)
        if start < end:
            reason = str(item.get("reason") or item.get("source") or "")
            spans.append((start, end, str(item.get("label", "")), reason))
    spans.sort()
    pieces: list[Piece] = []
    cursor = 0
    for start, end, label, reason in spans:
        if end <= cursor:
            continue
        start = max(start, cursor)
        if start > cursor:
            pieces.append(Piece(text[cursor:start]))
        pieces.append(Piece(text[start:end], label, reason))
        cursor = end
    if cursor < len(text):
        pieces.append(Piece(text[cursor:]))
    return pieces
