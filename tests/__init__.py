"""Najda test suite."""
