"""triagekit: triage helpdesk tickets with rules, a text model and agent assignment.

The heavy lifting happens in Rust (``triagekit._native``); this package re-exports it and
adds the pandas-friendly input handling in :mod:`triagekit._inputs` (and output handling in
:mod:`triagekit._outputs`). :mod:`triagekit.sklearn` has a scikit-learn estimator (import it
explicitly; it needs scikit-learn).

Example::

    import triagekit
    engine = triagekit.Engine(rules="rules/helpdesk.rhai", agents="agents.json")
    decision = engine.triage({"id": "1", "subject": "VPN is down", "channel": "email"})
"""

from triagekit._native import (
    ERROR_CODES,
    ConfigError,
    Engine,
    InvalidTicketError,
    Model,
    ModelError,
    ModelFormatError,
    RosterError,
    RuleCompileError,
    RuleRuntimeError,
    TriageError,
    __version__,
)

__all__ = [
    "ERROR_CODES",
    "ConfigError",
    "Engine",
    "InvalidTicketError",
    "Model",
    "ModelError",
    "ModelFormatError",
    "RosterError",
    "RuleCompileError",
    "RuleRuntimeError",
    "TriageError",
    "__version__",
]
