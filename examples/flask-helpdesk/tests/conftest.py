"""Fixtures: an app on a temporary SQLite database with a roster small enough to fill up."""

import json
import pathlib
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from app import ROOT, create_app  # noqa: E402
from helpdesk_data import FIXED_NOW, ROSTER, RULES, TOKEN  # noqa: E402

@pytest.fixture()
def make_app(tmp_path):
    """Factory for apps on a fresh database; keyword args override the config."""

    def make(**config):
        roster_path = tmp_path / "agents.json"
        roster_path.write_text(json.dumps(ROSTER))
        rules_path = tmp_path / "rules.rhai"
        rules_path.write_text(RULES)
        base = {
            "RULES": str(rules_path),
            "AGENTS": str(roster_path),
            "DATABASE": str(tmp_path / "helpdesk.sqlite3"),
            "ADMIN_TOKEN": TOKEN,
            "TESTING": True,
            # A fixed clock: tickets without created_at are routed the same at any hour.
            "ENGINE_OPTIONS": {"now": FIXED_NOW},
        }
        base.update(config)
        return create_app(base)

    return make


@pytest.fixture()
def app(make_app):
    """An app with the test roster and rules."""
    return make_app()


@pytest.fixture()
def client(app):
    """Flask test client."""
    return app.test_client()


@pytest.fixture()
def fixture_rules():
    """The repository's helpdesk rules and roster paths."""
    return str(ROOT / "fixtures" / "rules" / "helpdesk.rhai"), str(ROOT / "fixtures" / "agents.json")
