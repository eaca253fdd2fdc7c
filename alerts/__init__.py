"""Paging: the one place Najda talks to Twilio (twilio_client) and the local fake of Twilio (fake_twilio)."""
