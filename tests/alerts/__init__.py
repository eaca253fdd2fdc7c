"""Tests for alerts/: the Twilio client and the fake Twilio server."""
