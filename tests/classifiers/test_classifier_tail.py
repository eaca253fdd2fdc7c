"""The last part of a long message is also read alone by the model (pipeline.last_part): in a long complaint the
risk often sits in the last lines, and read with the whole message the encoder averages it away."""

from __future__ import annotations

from classifiers import Classifier
from classifiers.pipeline import TAIL_CHARS, TAIL_FROM, last_part

COMPLAINT = (
    "Dear sir, I am writing again about my housing allowance request which was submitted in February with all the "
    "documents, the salary certificate, the tenancy contract and the children's birth certificates. Every time I "
    "call the office they tell me the file is under review and the system is being updated, and nobody answers the "
    "email. The rent is now three months late and the landlord sends a message every morning. I am sorry for the "
    "long message."
)
# A second paragraph: since the heads learnt from the team's batches up to probe123 (long complaints among them)
# they read the first paragraph and the last line together as urgent; with this one too, read whole, nothing does.
MORE = (
    " I also applied for the school transport support for my two sons in September and the form on the portal"
    " keeps giving an error when I upload the bank letter. My neighbour says the office in the old souq can print"
    " it for me but it is only open in the morning when I am at work, so I am asking if I can send it by email."
)
LAST_LINE = (
    " Also my father, 82, has been alone in his flat since the power went yesterday, he does not pick up and his"
    " door is shut."
)


def test_a_short_message_has_no_last_part() -> None:
    assert last_part("my father is alone and does not pick up") is None
    assert last_part("x" * (TAIL_FROM - 1)) is None


def test_the_last_part_starts_at_a_sentence() -> None:
    text = COMPLAINT + LAST_LINE
    tail = last_part(text)
    assert tail is not None and len(tail) <= TAIL_CHARS and tail.endswith(LAST_LINE)
    before = text[: text.index(tail)].rstrip()
    assert before.endswith(".")  # the sentence before it ended; the tail is whole sentences
    assert len(text) - len(before) > TAIL_CHARS / 2


def test_a_long_message_with_no_sentence_end_keeps_its_last_characters() -> None:
    text = "word " * 200
    tail = last_part(text)
    assert tail is not None and text.strip().endswith(tail) and len(tail) <= TAIL_CHARS


def test_the_risk_in_the_last_line_of_a_long_complaint_pages(classifier: Classifier) -> None:
    """Read whole, this message is not paged; its last line, read alone, is an old man alone and silent behind a
    shut door, which both heads read as a life at risk."""
    text = COMPLAINT + MORE + LAST_LINE
    try:
        classifier.tail_from = 0
        assert classifier.classify(text).urgency not in ("P1", "P2")
    finally:
        classifier.tail_from = TAIL_FROM
    assert classifier.classify(text).urgency in ("P1", "P2")


def test_the_complaint_alone_does_not_page(classifier: Classifier) -> None:
    assert classifier.classify(COMPLAINT).urgency not in ("P1", "P2")
    assert classifier.classify(COMPLAINT + MORE).urgency not in ("P1", "P2")
