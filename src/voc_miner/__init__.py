"""voc_miner: bilingual (zh/en) voice-of-the-customer mining.

Support chats and tickets in; ranked root causes, each owned by a department and
paired with a recommended fix and evidence quotes, out.

Example:
    >>> from voc_miner import VocMiner, Config
    >>> miner = VocMiner(config=Config())
"""

from __future__ import annotations

__version__ = "0.1.0"

from voc_miner.config import ColumnsConfig, Config, load_config
from voc_miner.errors import (
    ConfigError,
    InputDataError,
    ModelError,
    NotFittedError,
    TaxonomyError,
    VocMinerError,
)
from voc_miner.pipeline import TagResult, VocMiner

__all__ = [
    "ColumnsConfig",
    "Config",
    "ConfigError",
    "InputDataError",
    "ModelError",
    "NotFittedError",
    "TagResult",
    "TaxonomyError",
    "VocMiner",
    "VocMinerError",
    "__version__",
    "load_config",
]
