"""Turn the native module's results into what Python callers expect: labels in their original
type, and score matrices as float64 numpy arrays (plain lists of lists without numpy)."""

from array import array

try:
    import numpy as _np
except ImportError:  # numpy is optional: the package depends on nothing
    _np = None


def decode(decoder, texts):
    """Label texts -> the caller's original labels (``decoder`` from ``_inputs.label_heads``;
    None means the labels were strings)."""
    if not decoder:
        return list(texts)
    return [decoder.get(t, t) for t in texts]


def matrix(data, rows: int, cols: int):
    """Row-major float64 bytes -> an (rows, cols) numpy array, or a list of lists of floats."""
    if _np is not None:
        return _np.frombuffer(data, dtype=_np.float64).reshape(rows, cols)
    flat = array("d")
    flat.frombytes(bytes(data))
    return [flat[i * cols:(i + 1) * cols].tolist() for i in range(rows)]
