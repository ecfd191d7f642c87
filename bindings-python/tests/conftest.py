"""Shared fixtures: a small trained model and an engine on the fixture rules and roster."""

import pytest

import triagekit
from tk_data import AGENTS, FIXED_NOW, RULES, sample_tickets, training_rows


@pytest.fixture(scope="session")
def tickets():
    """Valid sample tickets."""
    return sample_tickets()


@pytest.fixture(scope="session")
def model():
    """A single-head category model."""
    texts, cats, _ = training_rows()
    return triagekit.Model.fit(texts, cats, seed=7)


@pytest.fixture()
def engine(model):
    """A fresh engine on the fixture rules, roster and model."""
    return triagekit.Engine(rules=str(RULES), model=model, agents=str(AGENTS), options={"now": FIXED_NOW})
