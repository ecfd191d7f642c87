"""Type stubs for the native extension module (built from bindings-python/src)."""

import os
from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Tuple, Union

__version__: str
ERROR_CODES: List[str]

StrPath = Union[str, "os.PathLike[str]"]
Ticket = Mapping[str, Any]
Decision = Dict[str, Any]
Labels = Union[Sequence[Any], Mapping[str, Sequence[Any]], Any]

class TriageError(Exception):
    """Base class of every triagekit error; ``code`` is a stable string such as "RULE_COMPILE"."""

    code: Optional[str]
    message: Optional[str]
    file: Optional[str]
    line: Optional[int]
    column: Optional[int]
    rule: Optional[str]
    field: Optional[str]
    agent: Optional[str]
    path: Optional[str]
    row: Optional[int]

class RuleCompileError(TriageError):
    """A rule file does not compile; see ``file``, ``line``, ``column``."""

class RuleRuntimeError(TriageError):
    """A rule failed while running (strict mode); see ``rule``, ``line``, ``column``."""

class ModelError(TriageError):
    """Training, evaluating or predicting with a model failed."""

class ModelFormatError(ModelError):
    """A model file is not a readable triagekit model."""

class InvalidTicketError(TriageError):
    """A ticket is not the shape the engine accepts; see ``field``."""

class RosterError(TriageError):
    """The roster is invalid, or an agent is unknown (``agent``)."""

class ConfigError(TriageError):
    """Engine options are invalid."""

class Model:
    """A trained, immutable text model; thread-safe, picklable."""

    @staticmethod
    def fit(texts: Sequence[Any], labels: Labels, **params: Any) -> "Model":
        """Train; ``labels`` is a list/Series (head "category") or a dict/DataFrame (one head per column).

        A bad or unknown option in ``params`` raises ``ModelError`` with ``.field`` naming it.
        ``warm_start=old_model`` starts from ``old_model``'s weights and keeps its text pipeline
        (retrain on all rows plus corrections at a fraction of a cold fit's cost)."""
    def predict(self, texts: Sequence[Any], head: Optional[str] = None) -> Union[List[str], Dict[str, List[str]]]:
        """Labels: a list for one head (or with ``head=``), else a dict of head -> list."""
    def predict_proba(
        self, texts: Sequence[Any], head: Optional[str] = None
    ) -> Union[List[List[float]], Dict[str, List[List[float]]]]:
        """Calibrated probabilities in ``classes_`` order, per text."""
    def evaluate(
        self,
        texts: Sequence[Any],
        labels: Labels,
        *,
        report: Optional[StrPath] = None,
        target_precision: float = 0.9,
        label_next: int = 50,
        rules: Optional[str] = None,
    ) -> Dict[str, Any]:
        """Accuracy, macro-F1, per-class figures and confusion matrix per head.

        With ``report=path`` also writes the HTML report, ``<stem>.to-label.csv`` and
        ``<stem>.thresholds.json``; ``rules`` (path or source) adds rule coverage."""
    @property
    def classes_(self) -> Union[List[str], Dict[str, List[str]]]:
        """Class labels: a list for one head, else a dict of head -> list."""
    @property
    def heads_(self) -> List[str]:
        """Head names in model order."""
    @property
    def primary_head_(self) -> str:
        """The head a plain list of labels means: "category" if present, else the first head."""
    @property
    def version(self) -> str:
        """Stable content hash of the model."""
    @property
    def metadata(self) -> Dict[str, Any]:
        """Training provenance and figures."""
    def save(self, path: StrPath) -> None:
        """Write the model file."""
    @staticmethod
    def load(path: StrPath) -> "Model":
        """Read a model file."""
    def to_bytes(self) -> bytes:
        """The model file's bytes."""
    @staticmethod
    def from_bytes(data: bytes) -> "Model":
        """A model from a model file's bytes."""

class Engine:
    """Rules + model + assignment; thread-safe, picklable, releases the GIL while working."""

    def __init__(
        self,
        rules: Optional[StrPath] = None,
        model: Union[Model, StrPath, None] = None,
        agents: Union[StrPath, Mapping[str, Any], None] = None,
        options: Optional[Mapping[str, Any]] = None,
        *,
        rules_source: Optional[str] = None,
    ) -> None:
        """``rules``: a .rhai file or a directory of them (a missing path raises code ``IO``);
        text that cannot be a path (a line break or one of ``{ } ; "``) is compiled as rules.
        ``rules_source``: rule source text, never read as a path. Give exactly one of the two.

        ``options`` keys: review_threshold, class_thresholds, review_queue, default_group,
        commit, top_k, strict_rules, ``now`` (RFC 3339 string or timezone-aware ``datetime``:
        the time for tickets without ``created_at``; unset reads the clock once per ticket) and
        allow_unlisted_agents (``set_agent`` may name agents not on the roster).
        """
    def triage(self, ticket: Ticket, *, commit: Optional[bool] = None, trace: bool = True) -> Decision:
        """Triage one ticket; ``commit=False`` is a dry run, ``trace=False`` omits the trace."""
    def triage_batch(
        self,
        tickets: Sequence[Ticket],
        *,
        commit: Optional[bool] = None,
        errors: Literal["return", "raise"] = "return",
        trace: bool = True,
    ) -> List[Decision]:
        """Triage many tickets in parallel; failed slots hold ``{"error": {...}}`` unless errors="raise"."""
    def reload_rules(self, rules: Optional[StrPath] = None, *, rules_source: Optional[str] = None) -> None:
        """Swap in new rules atomically; on any error the rules in use stay."""
    def set_model(self, model: Union[Model, StrPath, None]) -> None:
        """Swap in a model, or remove it."""
    def replace_roster(self, agents: Union[StrPath, Mapping[str, Any]]) -> None:
        """Replace the roster."""
    def set_options(self, options: Mapping[str, Any]) -> None:
        """Replace the engine options."""
    def set_load(self, agent: str, load: int) -> None:
        """Set an agent's open-ticket count."""
    def set_presence(self, agent: str, presence: Literal["online", "away", "offline"]) -> None:
        """Set an agent's presence."""
    def ticket_closed(self, agent: str, channel: Optional[str] = None) -> None:
        """Free one unit of the agent's capacity."""
    def roster(self) -> Dict[str, Any]:
        """The roster as a dict with live loads and presence."""
    def stats(self) -> Dict[str, Any]:
        """Counters as a dict."""
    def stats_prometheus(self) -> str:
        """Counters in Prometheus text format."""
    @property
    def options(self) -> Dict[str, Any]:
        """Engine options in use."""
    @property
    def rules_version(self) -> str:
        """Content hash of the rules in use."""
    @property
    def model_version(self) -> Optional[str]:
        """Version of the model in use, or None."""
    @property
    def roster_version(self) -> str:
        """Version of the roster in use."""
    @property
    def rule_names(self) -> List[str]:
        """Rule names in evaluation order."""

def _engine_from_state(state: Tuple[Any, ...]) -> Engine: ...
def _model_from_bytes(data: bytes) -> Model: ...
