"""Normalise texts and labels (lists, tuples, numpy arrays, pandas Series/DataFrames) into the
plain lists the native module takes. Kept in Python so pandas never needs to be a dependency."""

import math
from collections.abc import Mapping


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


def texts(values) -> list:
    """A sequence of texts -> list[str]; missing values become empty strings."""
    if isinstance(values, (str, bytes)):
        raise TypeError("expected a sequence of texts (e.g. a list or a pandas Series), got a single string")
    out = []
    for value in values:
        if isinstance(value, str):
            out.append(value)
        elif _missing(value):
            out.append("")
        else:
            out.append(str(value))
    return out


def labels(values) -> list:
    """A label column -> list[str | None]; None/NaN/"" mean "no label" (the row is skipped)."""
    if isinstance(values, (str, bytes)):
        raise TypeError("expected a sequence of labels, got a single string")
    out = []
    for value in values:
        if _missing(value) or value == "":
            out.append(None)
        else:
            out.append(value if isinstance(value, str) else str(value))
    return out


def heads(values, default_head: str) -> list:
    """Labels -> [(head, labels)]: a DataFrame or dict gives one head per column/key, anything
    else (list, Series, array) is a single head named ``default_head`` (the model crate picks it)."""
    columns = getattr(values, "columns", None)
    if columns is not None and hasattr(values, "iloc"):
        return [(str(name), labels(values[name])) for name in columns]
    if isinstance(values, Mapping):
        return [(str(name), labels(column)) for name, column in values.items()]
    return [(default_head, labels(values))]
