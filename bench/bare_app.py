"""The ceiling for bench/ingest.py: a Flask app that only reads the request body and answers 200."""

from __future__ import annotations

from flask import Flask, request
from flask.typing import ResponseReturnValue

app = Flask(__name__)


@app.post("/<path:_path>")
def read_body(_path: str) -> ResponseReturnValue:
    body = request.get_data()
    return {"received": len(body)}
