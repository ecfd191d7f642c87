"""scikit-learn estimator over the native text model: ``TriageClassifier`` fits in a
``Pipeline``, ``GridSearchCV`` and ``cross_val_score`` like any classifier.

``X`` is a 1-d sequence of texts (list, numpy array, pandas Series), or a 2-d table
(DataFrame, array) whose cells in each row are joined into one text with newlines, as the
CLI's ``--text subject,body`` does (``text=`` picks the columns of a DataFrame). ``y`` is one
label column of any type; ``classes_`` and ``predict`` give labels back in that type.

Needs scikit-learn and numpy (``pip install scikit-learn``); the rest of triagekit does not.
"""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from triagekit._inputs import label_text
from triagekit._native import Model, ModelError

__all__ = ["TriageClassifier", "TriageValueError"]


class TriageValueError(ModelError, ValueError):
    """A ``ModelError`` that is also a ``ValueError``, as scikit-learn expects of bad data."""


def _as_value_error(err):
    """The native error re-raised as a ``TriageValueError`` with the same fields."""
    new = TriageValueError(str(err))
    for name in ("code", "message", "file", "line", "column", "rule", "field", "agent", "path", "row"):
        setattr(new, name, getattr(err, name, None))
    return new


class TriageClassifier(ClassifierMixin, BaseEstimator):
    """Linear text classifier (hashed word + char n-gram TF-IDF, one-vs-rest SVM, calibrated).

    Parameters mirror the training options of ``triagekit.Model.fit`` (same names); ``None``
    keeps the model crate's default, so new defaults there reach this class unchanged.
    ``class_weight`` ("balanced" or a dict label -> weight) is passed on only when set.
    ``text`` names the DataFrame columns that hold the text (default: all columns).
    """

    def __init__(
        self,
        c=None,
        seed=None,
        numbers=None,
        class_weight=None,
        hash_bits=None,
        word_ngram_max=None,
        char_ngram_min=None,
        char_ngram_max=None,
        max_text_chars=None,
        eps=None,
        max_iter=None,
        calibration_holdout=None,
        algorithm=None,
        fold_numbers=None,
        nb_alpha=None,
        nb_max_features=None,
        text=None,
    ):
        self.c = c
        self.seed = seed
        self.numbers = numbers
        self.class_weight = class_weight
        self.hash_bits = hash_bits
        self.word_ngram_max = word_ngram_max
        self.char_ngram_min = char_ngram_min
        self.char_ngram_max = char_ngram_max
        self.max_text_chars = max_text_chars
        self.eps = eps
        self.max_iter = max_iter
        self.calibration_holdout = calibration_holdout
        self.algorithm = algorithm
        self.fold_numbers = fold_numbers
        self.nb_alpha = nb_alpha
        self.nb_max_features = nb_max_features
        self.text = text

    def _training_options(self):
        options = {k: v for k, v in self.get_params(deep=False).items() if k != "text" and v is not None}
        if isinstance(options.get("class_weight"), dict):
            options["class_weight"] = {label_text(k): float(w) for k, w in options["class_weight"].items()}
        return options

    def _texts(self, X, reset):
        """X -> what the native model takes: texts, or a dict of columns plus their names."""
        if isinstance(X, (str, bytes)):
            raise TypeError("X must be a sequence of texts, not a single string")
        if self.text is not None and hasattr(X, "columns"):
            X = X[[self.text] if isinstance(self.text, str) else list(self.text)]
        ndim = getattr(X, "ndim", None)
        if ndim is None or not hasattr(X, "shape"):
            X = np.asarray(X, dtype=object)
            if X.ndim == 2 or any(isinstance(x, np.ndarray) for x in X[:1]):
                X = np.asarray(X.tolist(), dtype=object)
            ndim = X.ndim
        if ndim == 1:
            if getattr(getattr(X, "dtype", None), "kind", "O") in "biufc":
                raise TriageValueError(
                    "X is a 1-d array of numbers; a 1-d X is a column of texts (a 2-d table is "
                    "read row by row). Reshape your data with X.reshape(-1, 1) for one column."
                )
            if reset:
                self.__dict__.pop("n_features_in_", None)
                self.__dict__.pop("feature_names_in_", None)
            elif hasattr(self, "n_features_in_"):
                raise TriageValueError(
                    f"X is 1-d but this model was fitted on a table of {self.n_features_in_} columns; "
                    "Reshape your data to 2-d with the same columns"
                )
            return X, None
        table = validate_data(self, X, reset=reset, dtype=None, ensure_all_finite=False)
        columns = {str(j): table[:, j] for j in range(table.shape[1])}
        return columns, list(columns)

    def fit(self, X, y):
        """Trains on texts ``X`` and labels ``y``; returns ``self``."""
        texts, text = self._texts(X, reset=True)
        y = column_or_1d(y, warn=True)
        if len(y) != len(texts[text[0]] if text else texts):
            raise TriageValueError(f"X has {len(texts[text[0]] if text else texts)} rows but y has {len(y)} labels")
        check_classification_targets(y)
        classes = np.unique(y)
        if len(classes) < 2:
            raise TriageValueError(
                f"TriageClassifier needs samples of at least 2 classes in the data, but the data contains only one class: {classes[0]!r}"
            )
        try:
            model = Model(**self._training_options())
            model.fit(texts, list(y), text=text)
        except ModelError as err:
            raise _as_value_error(err) from None
        self.model_ = model
        self.classes_ = classes
        # The native model orders classes by their label text; columns follow classes_.
        position = {label_text(label): i for i, label in enumerate(model.classes_)}
        keys = [label_text(label).strip() for label in classes.tolist()]
        if len(set(keys)) != len(keys) or not set(keys) <= set(position):
            raise TriageValueError(
                "labels that are empty or differ only in surrounding whitespace cannot be told apart: "
                f"{[k for k in keys if k not in position or keys.count(k) > 1]!r}"
            )
        self._columns = np.array([position[k] for k in keys], dtype=np.intp)
        return self

    def _native_texts(self, X):
        check_is_fitted(self, "model_")
        return self._texts(X, reset=False)

    def predict_proba(self, X):
        """Calibrated probabilities, float64 of shape (n_texts, n_classes), columns as ``classes_``."""
        texts, text = self._native_texts(X)
        return np.ascontiguousarray(self.model_.predict_proba(texts, text=text)[:, self._columns])

    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba`."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def decision_function(self, X):
        """SVM decision values, columns as ``classes_``; for two classes the score of ``classes_[1]``."""
        texts, text = self._native_texts(X)
        scores = self.model_.decision_function(texts, text=text)[:, self._columns]
        if len(self.classes_) == 2:
            return scores[:, 1] - scores[:, 0]
        return np.ascontiguousarray(scores)

    def predict(self, X):
        """Labels, a numpy array of ``classes_``' dtype."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)] if len(proba) else self.classes_[:0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        # 1-d texts are the main input, but this tag makes scikit-learn 1.9's checks cut X to
        # one column and then index it as 2-d (check_dont_overwrite_parameters and others):
        # it would fail the checks, not describe the estimator better.
        tags.input_tags.one_d_array = False
        # A 2-d table is read row by row as text: numbers become words, which a text model
        # cannot rank, so scikit-learn's accuracy checks on numeric blobs do not apply.
        tags.input_tags.two_d_array = True
        tags.input_tags.allow_nan = True
        tags.input_tags.sparse = False
        tags.classifier_tags.poor_score = True
        tags.classifier_tags.multi_class = True
        return tags
