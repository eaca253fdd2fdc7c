"""The SMS reply grammar: English and Arabic words and digits, an optional case code in either order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alerts.reply_grammar import Action, Command, normalise, parse


@pytest.mark.parametrize("text", ["1", "ack", "ACK", "ok", "OK.", "yes", "تم", "تمّ", "نعم", "١", "۱", " 1 ",
                                  "استلام", "Ack!"])
def test_acknowledge(text: str) -> None:
    assert parse(text) == Command(Action.ACK)


@pytest.mark.parametrize("text", ["2", "resolve", "Resolved", "حل", "٢", "تم الحل", "إغلاق", "close"])
def test_resolve(text: str) -> None:
    assert parse(text) == Command(Action.RESOLVE)


@pytest.mark.parametrize("text", ["3", "escalate", "ESC", "صعد", "٣", "تصعيد"])
def test_escalate(text: str) -> None:
    assert parse(text) == Command(Action.ESCALATE)


@pytest.mark.parametrize("text, expected", [
    ("ACK K7Q2", Command(Action.ACK, "K7Q2")),
    ("ack k7q2", Command(Action.ACK, "K7Q2")),
    ("K7Q2 1", Command(Action.ACK, "K7Q2")),
    ("1, K7Q2", Command(Action.ACK, "K7Q2")),
    ("تم K7Q2", Command(Action.ACK, "K7Q2")),
    ("٢ K7Q2", Command(Action.RESOLVE, "K7Q2")),
    ("صعد #K7Q2", Command(Action.ESCALATE, "K7Q2")),
    ("resolve ACDE", Command(Action.RESOLVE, "ACDE")),
])
def test_with_a_case_code(text: str, expected: Command) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "hello", "1 2", "ack ack", "K7Q2", "K7Q2 K7Q3 1",
                                  "please call me back", "تم تم تم تم", "ACK K7Q", "ACK K0Q2", "4", "11"])
def test_not_a_command(text: str) -> None:
    assert parse(text) is None


def test_normalise_folds_arabic_forms_and_digits() -> None:
    assert normalise("إغلاق") == "اغلاق"
    assert normalise("تـــم") == "تم"
    assert normalise("١٢٣") == "123"


@given(st.text(max_size=40))
def test_never_raises_and_codes_are_upper_case(text: str) -> None:
    command = parse(text)
    assert command is None or command.code is None or command.code == command.code.upper()
