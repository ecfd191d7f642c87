"""Normalise texts and labels (lists, tuples, numpy arrays, pandas Series/DataFrames) into the
plain lists the native module takes. Kept in Python so pandas and numpy never need to be
dependencies; the native module calls these functions and does everything else."""

import math
import numbers
from collections.abc import Mapping


def _error(message, field=None):
    """A ``ModelError`` (code MODEL) naming ``field``, built by the native module."""
    from triagekit._native import _error as native_error

    return native_error("MODEL", message, field=field)


def _missing(value) -> bool:
    """True for None, NaN (pandas' missing value) and pandas.NA/NaT."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    # pandas.NA and NaT refuse bool(); they compare unequal to themselves like NaN.
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return True


def _is_frame(values) -> bool:
    return getattr(values, "columns", None) is not None and hasattr(values, "iloc")


def _column_texts(values) -> list:
    """One text column -> list[str]; missing values become empty strings."""
    out = []
    for value in values:
        if isinstance(value, str):
            out.append(value)
        elif _missing(value):
            out.append("")
        else:
            out.append(str(value))
    return out


def text_columns(values, text=None) -> list:
    """Texts -> a list of text columns (each a list[str]); the native side joins several
    columns row by row the way the CLI's ``--text subject,body`` does.

    ``values``: a sequence of texts, a one-column DataFrame, or (with ``text=``) a DataFrame
    or dict whose columns ``text`` names (a name or a list of names)."""
    if isinstance(values, (str, bytes)):
        raise TypeError("expected a sequence of texts (e.g. a list or a pandas Series), got a single string")
    names = [text] if isinstance(text, str) else text
    if _is_frame(values) or isinstance(values, Mapping):
        available = [str(c) for c in (values.columns if _is_frame(values) else values.keys())]
        if names is None:
            if len(available) != 1:
                raise _error(
                    f"a table of {len(available)} columns ({', '.join(available)}): name the text "
                    "column(s) with text=[...]",
                    field="text",
                )
            names = list(values.columns if _is_frame(values) else values.keys())
        if not names:
            raise _error("text= names no column", field="text")
        columns = []
        for name in names:
            try:
                column = values[name]
            except (KeyError, IndexError):
                raise _error(f"column {name!r} not found; available columns: {', '.join(available)}", field=str(name)) from None
            columns.append(_column_texts(column))
        return columns
    if names is not None:
        raise _error("text= names columns of a DataFrame or dict; these texts are a plain sequence", field="text")
    ndim = getattr(values, "ndim", 1)
    if ndim == 2 and getattr(values, "shape", (0, 0))[1] == 1:
        values = values[:, 0]
    elif ndim != 1:
        raise _error(f"expected a 1-d sequence of texts, got an array of {ndim} dimensions", field="text")
    return [_column_texts(values)]


def row_ids(values):
    """A pandas object's index labels as strings (the report's label-next rows), else None."""
    index = getattr(values, "index", None)
    if index is None or callable(index) or not hasattr(values, "iloc"):
        return None
    return [str(label) for label in index]


def label_text(value) -> str:
    """The text a label is stored as in the model file (what the CLI and rules see): ints and
    integral floats without a decimal point, bools as True/False, anything else as ``str``."""
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral) and not _is_bool(value):
        return str(int(value))
    if isinstance(value, numbers.Real) and not _is_bool(value):
        as_float = float(value)
        return str(int(as_float)) if as_float.is_integer() else repr(as_float)
    return str(value)


def _is_bool(value) -> bool:
    return isinstance(value, bool) or type(value).__name__ == "bool_"


def labels(values, decoder=None) -> list:
    """A label column -> list[str | None]; None/NaN/"" mean "no label" (the row is skipped).
    Non-string labels are stored as :func:`label_text`; ``decoder`` (a dict) collects
    text -> the first original value, so predictions come back in the caller's type."""
    if isinstance(values, (str, bytes)):
        raise TypeError("expected a sequence of labels, got a single string")
    out = []
    for value in values:
        if isinstance(value, str):
            out.append(value or None)
        elif _missing(value):
            out.append(None)
        else:
            key = label_text(value)
            if decoder is not None:
                decoder.setdefault(key, value)
            out.append(key)
    return out


def label_heads(values, default_head: str, known_heads=None):
    """Labels -> ([(head, labels)], decoders): a DataFrame or dict gives one head per column/key;
    a named Series names its head; anything else is one head named ``default_head``.

    With ``known_heads`` (evaluating a model), a Series whose name is not a head of a one-head
    model scores that head. ``decoders`` maps head -> {label text: original label} for heads
    given non-string labels (None when every label is a string)."""
    decoders = {}

    def column(head, data):
        decoder = {}
        out = labels(data, decoder)
        if decoder:
            decoders[head] = decoder
        return (head, out)

    if _is_frame(values):
        heads = [column(str(name), values[name]) for name in values.columns]
    elif isinstance(values, Mapping):
        heads = [column(str(name), data) for name, data in values.items()]
    else:
        name = getattr(values, "name", None) if hasattr(values, "iloc") else None
        head = default_head if name is None else str(name)
        if known_heads is not None and head not in known_heads and len(known_heads) == 1:
            head = known_heads[0]
        heads = [column(head, values)]
    return heads, (decoders or None)

