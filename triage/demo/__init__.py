"""Demo material written by the Najda team (no third-party data)."""
