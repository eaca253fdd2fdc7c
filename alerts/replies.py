"""Responders' SMS replies to pages (ACK, ...). Placeholder until the alerting issue lands its reply grammar:
the inbound SMS route already hands responders' messages here instead of storing them as citizen messages."""

from __future__ import annotations


def handle_reply(responder_id: int, body: str) -> str:
    """Act on a responder's reply and return the SMS answer to send back ("" for none). Records nothing yet."""
    return ""
