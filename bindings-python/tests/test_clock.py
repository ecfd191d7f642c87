"""`options={"now": ...}`: the clock for tickets without `created_at` is an input."""

import datetime

import pytest

import triagekit

# Office hours in UTC: the clock alone decides the group of a ticket without created_at.
OFFICE_RULES = """
rule "Office" when within_hours(ticket.created_at, "UTC", "Mon-Fri", "09:00", "17:00") { set_group("office"); }
rule "Night" when !within_hours(ticket.created_at, "UTC", "Mon-Fri", "09:00", "17:00") { set_group("night"); }
"""
WEEKDAY_NOON = "2026-11-23T10:00:00Z"  # a Monday
SATURDAY_NIGHT = "2026-11-28T23:30:00Z"


def group_at(now, ticket=None):
    engine = triagekit.Engine(rules=OFFICE_RULES, options={"now": now})
    return engine.triage(ticket or {"id": "t", "subject": "hi"})["group"]


def test_now_decides_the_route_of_a_ticket_without_created_at():
    assert group_at(WEEKDAY_NOON) == "office"
    assert group_at(SATURDAY_NIGHT) == "night"
    # created_at wins over the clock.
    assert group_at(SATURDAY_NIGHT, {"subject": "hi", "created_at": WEEKDAY_NOON}) == "office"


def test_now_accepts_an_aware_datetime_and_rejects_a_naive_one():
    monday = datetime.datetime(2026, 11, 23, 11, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    assert group_at(monday) == "office"
    saturday = datetime.datetime(2026, 11, 28, 23, 30, tzinfo=datetime.timezone.utc)
    assert group_at(saturday) == "night"
    with pytest.raises(triagekit.ConfigError):
        group_at(datetime.datetime(2026, 11, 23, 10, 0))
    with pytest.raises(triagekit.ConfigError):
        group_at("next tuesday")


def test_now_round_trips_through_options_set_options_and_batch():
    engine = triagekit.Engine(rules=OFFICE_RULES, options={"now": WEEKDAY_NOON})
    assert engine.options["now"] == WEEKDAY_NOON
    tickets = [{"id": str(i), "subject": "hi"} for i in range(40)]
    assert {d["group"] for d in engine.triage_batch(tickets)} == {"office"}
    engine.set_options({"now": SATURDAY_NIGHT})
    assert {d["group"] for d in engine.triage_batch(tickets)} == {"night"}
    assert engine.options["now"] == SATURDAY_NIGHT
