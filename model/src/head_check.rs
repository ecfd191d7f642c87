//! Checks on a label column that every language's `fit` gets before any work is done.

use crate::error::ModelError;

/// A head must have at least two distinct classes: with one, every prediction is that class
/// at confidence 1, which says nothing (scikit-learn refuses it too). A head with no labelled
/// row at all is left to `fit_head`'s `NoData` error.
pub(crate) fn at_least_two_classes(name: &str, labels: &[Option<String>]) -> Result<(), ModelError> {
    let mut present = labels.iter().filter_map(|l| l.as_deref().map(str::trim).filter(|l| !l.is_empty()));
    let Some(first) = present.next() else { return Ok(()) };
    if present.any(|l| l != first) {
        return Ok(());
    }
    Err(ModelError::InvalidInput(format!(
        "head {name:?} needs at least 2 classes, but every labelled row is {first:?}"
    )))
}
