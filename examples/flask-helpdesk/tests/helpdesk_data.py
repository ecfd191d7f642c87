"""Test roster, rules and admin token (a unique module name, unlike `conftest`)."""

TOKEN = "test-admin-token"

# A Monday 10:00 UTC, inside every fixture agent's working hours.
FIXED_NOW = "2026-11-23T10:00:00Z"

# No working hours and small capacities, so concurrent requests really compete for slots.
ROSTER = {
    "version": "test-roster",
    "groups": {"service-desk": {"strategy": "least-loaded"}, "billing": {"strategy": "round-robin"}},
    "agents": [
        {"id": "ana", "groups": ["service-desk"], "capacity": 4, "load": 1},
        {"id": "ben", "groups": ["service-desk", "billing"], "capacity": {"max": 5, "per_channel": {"chat": 2}}},
        {"id": "cy", "groups": ["billing"], "capacity": 3},
    ],
}

RULES = """
rule "Default" { set_group("service-desk"); }
rule "Billing" when contains_any(ticket.text, ["invoice", "refund"]) { set_group("billing"); }
"""
