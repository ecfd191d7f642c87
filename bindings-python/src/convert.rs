//! Python objects <-> `serde_json::Value`, the lingua franca of core's constructors.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

/// Nesting deeper than this is refused, so a self-referencing list cannot overflow the stack.
/// The same limit as serde_json's parser (128), so a ticket nested 100 levels deep is accepted
/// from Python exactly as it is from JSON text, the CLI and Node.
const MAX_DEPTH: usize = 128;

/// Why a Python value could not become JSON; `path` is the top-level key (or `<root>`).
#[derive(Debug)]
pub struct ConvertError {
    /// The top-level key the bad value sits under (`"<root>"` for the value itself).
    pub path: String,
    /// What was wrong.
    pub message: String,
}

/// Converts a Python value to JSON: dict/list/tuple/str/int/float/bool/None, plus numpy scalars
/// (via `__index__`/`__float__`) and datetimes (via `isoformat()`). NaN and infinities become
/// `null`, because that is how pandas spells a missing value.
pub fn to_value(obj: &Bound<'_, PyAny>) -> Result<Value, ConvertError> {
    convert(obj, 0, None)
}

fn fail(top: Option<&str>, message: String) -> ConvertError {
    ConvertError { path: top.unwrap_or("<root>").to_string(), message }
}

fn convert(obj: &Bound<'_, PyAny>, depth: usize, top: Option<&str>) -> Result<Value, ConvertError> {
    if depth > MAX_DEPTH {
        // Reported for the whole value, as Rust, the CLI and Node do (their JSON parsers cannot
        // say which key went too deep).
        return Err(fail(None, format!("nested deeper than {MAX_DEPTH} levels")));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return string(s, top).map(Value::String);
    }
    // bool before int: Python's bool is a subclass of int.
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        return int(obj, top);
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(float(f.value()));
    }
    if let Ok(dict) = obj.cast::<PyDict>() {
        let mut map = Map::with_capacity(dict.len());
        for (key, value) in dict.iter() {
            let key = key
                .cast::<PyString>()
                .map_err(|_| fail(top, format!("dict keys must be strings, found {}", type_name(&key))))
                .and_then(|k| string(k, top))?;
            let top = top.unwrap_or(&key);
            let value = convert(&value, depth + 1, Some(top))?;
            map.insert(key, value);
        }
        return Ok(Value::Object(map));
    }
    if let Ok(list) = obj.cast::<PyList>() {
        return list.iter().map(|item| convert(&item, depth + 1, top)).collect::<Result<_, _>>().map(Value::Array);
    }
    if let Ok(tuple) = obj.cast::<PyTuple>() {
        return tuple.iter().map(|item| convert(&item, depth + 1, top)).collect::<Result<_, _>>().map(Value::Array);
    }
    fallback(obj, depth, top)
}

/// Less common types: numpy scalars and arrays, datetimes, other mappings and sequences.
fn fallback(obj: &Bound<'_, PyAny>, depth: usize, top: Option<&str>) -> Result<Value, ConvertError> {
    let has = |name: &str| obj.hasattr(name).unwrap_or(false);
    if has("isoformat") {
        let text = obj.call_method0("isoformat").map_err(|e| fail(top, e.to_string()))?;
        return convert(&text, depth + 1, top);
    }
    if let Ok(b) = obj.extract::<bool>() {
        if type_name(obj).contains("bool") {
            return Ok(Value::Bool(b));
        }
    }
    if has("__index__") {
        return int(obj, top);
    }
    if has("__float__") {
        let f = obj.extract::<f64>().map_err(|e| fail(top, e.to_string()))?;
        return Ok(float(f));
    }
    if has("tolist") {
        // numpy arrays and pandas objects: their plain-Python form converts above.
        let plain = obj.call_method0("tolist").map_err(|e| fail(top, e.to_string()))?;
        return convert(&plain, depth + 1, top);
    }
    if has("keys") && has("__getitem__") {
        let dict = PyDict::new(obj.py());
        let items = obj.call_method0("items").map_err(|e| fail(top, e.to_string()))?;
        for item in items.try_iter().map_err(|e| fail(top, e.to_string()))? {
            let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) =
                item.and_then(|i| i.extract()).map_err(|e| fail(top, e.to_string()))?;
            dict.set_item(k, v).map_err(|e| fail(top, e.to_string()))?;
        }
        return convert(dict.as_any(), depth, top);
    }
    if !obj.is_instance_of::<pyo3::types::PyBytes>() {
        if let Ok(iter) = obj.try_iter() {
            let mut items = Vec::new();
            for item in iter {
                let item = item.map_err(|e| fail(top, e.to_string()))?;
                items.push(convert(&item, depth + 1, top)?);
            }
            return Ok(Value::Array(items));
        }
    }
    Err(fail(top, format!("cannot convert a value of type {} to JSON", type_name(obj))))
}

fn int(obj: &Bound<'_, PyAny>, top: Option<&str>) -> Result<Value, ConvertError> {
    if let Ok(i) = obj.extract::<i64>() {
        return Ok(Value::Number(i.into()));
    }
    if let Ok(u) = obj.extract::<u64>() {
        return Ok(Value::Number(u.into()));
    }
    Err(fail(top, "integer out of the 64-bit range".to_string()))
}

fn float(f: f64) -> Value {
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

/// A Python `str` as Rust text; lone surrogates (not valid Unicode) are an error, never a crash.
pub fn string(s: &Bound<'_, PyString>, top: Option<&str>) -> Result<String, ConvertError> {
    s.to_cow()
        .map(|c| c.into_owned())
        .map_err(|_| fail(top, "string is not valid Unicode (lone surrogate?)".to_string()))
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".to_string())
}

/// Serialises any serde type to plain Python objects, shaped as its JSON would be.
pub fn serde_to_py<'py, T: serde::Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    crate::pyser::to_py(py, value).map_err(|e| PyTypeError::new_err(e.0))
}
