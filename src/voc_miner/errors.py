"""Error hierarchy of voc_miner.

Every error raised on purpose by the library derives from :class:`VocMinerError`
and also from the built-in exception a caller would naturally expect, so that
``except ValueError`` keeps working (the scikit-learn convention).

Messages name what was wrong, the offending value, and how to fix it.
"""

from __future__ import annotations


class VocMinerError(Exception):
    """Root of all voc_miner errors."""


class ConfigError(VocMinerError, ValueError):
    """A configuration value or option is invalid."""


class InputDataError(VocMinerError, ValueError):
    """Input data cannot be read or does not have the expected shape."""


class EmptyInputError(InputDataError):
    """The input holds no record at all (an empty or header-only export)."""


class InputFileNotFoundError(VocMinerError, FileNotFoundError):
    """An input file or directory does not exist."""


class TaxonomyError(VocMinerError, ValueError):
    """A department taxonomy file is invalid."""


class ModelError(VocMinerError, ValueError):
    """A saved model is missing, corrupt or incompatible with this embedder."""


class NotFittedError(VocMinerError, AttributeError):
    """A method that needs a fitted model was called before ``fit``."""


class DependencyError(VocMinerError, ImportError):
    """An optional dependency is not installed."""
