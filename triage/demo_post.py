"""Send one signed message to the generic webhook of a running Najda: ``python -m triage.demo_post "text"``."""

from __future__ import annotations

import argparse
import json
import os
import uuid
from datetime import UTC, datetime

import requests

from triage.channels.generic import SIGNATURE_HEADER, sign
from triage.config import DEMO_VALUES


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("text")
    parser.add_argument("--sender", default="demo-sender-1")
    parser.add_argument("--id", default=None, help="platform message id (repeat it to test re-delivery)")
    parser.add_argument("--url", default="http://127.0.0.1:5000/webhooks/generic")
    args = parser.parse_args()
    secret = os.environ.get("NAJDA_GENERIC_SECRET") or DEMO_VALUES["NAJDA_GENERIC_SECRET"]
    body = json.dumps(
        {"id": args.id or uuid.uuid4().hex, "sender": args.sender, "text": args.text,
         "sent_at": datetime.now(UTC).isoformat()},
        ensure_ascii=False,
    ).encode()
    response = requests.post(
        args.url, data=body, timeout=10,
        headers={"Content-Type": "application/json", SIGNATURE_HEADER: sign(secret, body)},
    )
    print(response.status_code, response.text.strip())


if __name__ == "__main__":
    main()
