"""Type stubs for the native extension module (built from bindings-python/src)."""

import os
from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Tuple, TypedDict, Union

__version__: str
ERROR_CODES: List[str]

StrPath = Union[str, "os.PathLike[str]"]
Ticket = Mapping[str, Any]
Decision = Dict[str, Any]
Labels = Union[Sequence[Any], Mapping[str, Sequence[Any]], Any]
Texts = Union[Sequence[Any], Mapping[str, Sequence[Any]], Any]

class Contributor(TypedDict):
    """One n-gram of the text and how much it moved the predicted label's score."""

    ngram: str
    kind: Literal["word", "bigram"]
    contribution: float
    from_chars: float

class HeadExplanation(TypedDict):
    """Why one head predicted ``label``: ``bias + sum(contributions) + rest == score``."""

    head: str
    label: str
    confidence: float
    score: float
    bias: float
    supporting: List[Contributor]
    opposing: List[Contributor]
    rest: float

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
    """1-based row of a data file, or the 0-based position of a text passed from Python."""

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

class _Fit:
    """``Model.fit(texts, labels, **params)`` makes a new model; ``m.fit(...)`` fits ``m`` in place."""

    def __call__(
        self,
        texts: Texts,
        labels: Labels,
        *,
        text: Union[str, Sequence[str], None] = None,
        **params: Any,
    ) -> "Model":
        """Train and return the fitted model.

        ``texts``: a sequence of texts, a one-column DataFrame, or a DataFrame/dict whose
        columns ``text=`` names (joined per row with newlines, empty ones left out, as the
        CLI's ``--text subject,body``). ``labels``: a list/array (head "category"), a named
        Series (head = its name), or a dict/DataFrame (one head per column); None/NaN/"" skip
        the row for that head. Labels keep their Python type in ``classes_`` and ``predict``.
        ``warm_start=old_model`` starts from ``old_model``'s weights and keeps its text pipeline
        (retrain on all rows plus corrections at a fraction of a cold fit's cost).
        ``params``: training options (``c``/``C``, ``seed``, ``numbers``, ``hash_bits``, ...);
        a bad or unknown one raises ``ModelError`` with ``.field`` naming it. A head with one
        class, or a text holding a lone surrogate (``.row`` = its 0-based position), raise
        ``ModelError``."""

class Model:
    """A text model; thread-safe, picklable (labels keep their type through pickle; model
    files store labels as text, shared with the CLI and Node)."""

    def __init__(self, **params: Any) -> None:
        """An unfitted model with training options (checked now; ``fit``'s own override them)."""
    fit: _Fit
    def predict(
        self, texts: Texts, head: Optional[str] = None, *, text: Union[str, Sequence[str], None] = None
    ) -> Union[List[Any], Dict[str, List[Any]]]:
        """Labels: a list for one head (or with ``head=``), else a dict of head -> list.

        A text holding a lone surrogate is read with U+FFFD in its place (so one bad text does
        not cost the batch); ``fit`` and ``evaluate`` refuse it instead."""
    def explain(self, text: str, k: int = 5) -> Dict[str, HeadExplanation]:
        """Per head: the ``k`` n-grams that raised (``supporting``) and lowered (``opposing``)
        the predicted label's decision value. A word entry includes its char n-grams
        (``from_chars`` says how much of it came from them)."""
    def predict_proba(
        self, texts: Texts, head: Optional[str] = None, *, text: Union[str, Sequence[str], None] = None
    ) -> Any:
        """Calibrated probabilities: a float64 numpy array (n_texts, n_classes) in ``classes_``
        order (lists of lists without numpy); a dict of head -> array for several heads."""
    def decision_function(
        self, texts: Texts, head: Optional[str] = None, *, text: Union[str, Sequence[str], None] = None
    ) -> Any:
        """Raw SVM decision values, shaped as ``predict_proba``."""
    def evaluate(
        self,
        texts: Texts,
        labels: Labels,
        *,
        text: Union[str, Sequence[str], None] = None,
        report: Optional[StrPath] = None,
        target_precision: float = 0.9,
        label_next: int = 50,
        rules: Optional[str] = None,
    ) -> Dict[str, Any]:
        """Accuracy, macro-F1, per-class figures and confusion matrix per head (labels as text,
        the JSON of ``triagekit eval --json``). A plain list scores the primary head, a named
        Series the head of its name; no labelled row raises ``ModelError``.

        With ``report=path`` also writes the HTML report (creating its folder),
        ``<stem>.to-label.csv`` (rows named by the pandas index of ``texts``/``labels``, else
        0-based positions) and ``<stem>.thresholds.json``; ``rules`` (path or source) adds rule
        coverage."""
    @property
    def classes_(self) -> Union[List[Any], Dict[str, List[Any]]]:
        """Class labels in their original type: a list for one head, else a dict of head -> list."""
    @property
    def heads_(self) -> List[str]:
        """Head names in model order."""
    @property
    def primary_head_(self) -> str:
        """The head a plain list of labels means: "category" if present, else the first head."""
    @property
    def version(self) -> str:
        """Content hash of the model: the same data, options and seed give the same version."""
    @property
    def metadata(self) -> Dict[str, Any]:
        """Training provenance and figures (``created`` is recorded but not in ``version``)."""
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
        allow_unlisted_agents (``set_agent`` may name agents not on the roster) and ``explain``
        (N n-grams per head in each trace's ``model_explanation``; 0, the default, is off).
        """
    def triage(
        self, ticket: Ticket, *, commit: Optional[bool] = None, trace: bool = True, explain: Optional[int] = None
    ) -> Decision:
        """Triage one ticket; ``commit=False`` is a dry run, ``trace=False`` omits the trace,
        ``explain=N`` adds each head's top N n-grams as ``trace["model_explanation"]``."""
    def triage_batch(
        self,
        tickets: Sequence[Ticket],
        *,
        commit: Optional[bool] = None,
        errors: Literal["return", "raise"] = "return",
        trace: bool = True,
        explain: Optional[int] = None,
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
def _model_from_state(data: bytes, decoders: Optional[Dict[str, Dict[str, Any]]]) -> Model: ...
def _model_unfitted(params: Dict[str, Any]) -> Model: ...
def _error(code: str, message: str, field: Optional[str] = None, row: Optional[int] = None) -> TriageError: ...
