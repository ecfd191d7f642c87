"""Type stubs for the triagekit package."""

from triagekit._native import (
    ERROR_CODES as ERROR_CODES,
    ConfigError as ConfigError,
    Engine as Engine,
    InvalidTicketError as InvalidTicketError,
    Model as Model,
    ModelError as ModelError,
    ModelFormatError as ModelFormatError,
    RosterError as RosterError,
    RuleCompileError as RuleCompileError,
    RuleRuntimeError as RuleRuntimeError,
    TriageError as TriageError,
    __version__ as __version__,
)
