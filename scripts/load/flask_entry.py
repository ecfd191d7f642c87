"""WSGI entry for the load run: the Flask example configured from the environment."""

import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples" / "flask-helpdesk"))

from app import create_app  # noqa: E402

app = create_app({
    "MODEL": os.environ.get("TRIAGEKIT_MODEL") or None,
    "DATABASE": os.environ["TRIAGEKIT_DB"],
    "MAX_IN_FLIGHT": int(os.environ.get("TRIAGEKIT_MAX_IN_FLIGHT") or 0),
})
