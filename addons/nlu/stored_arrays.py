"""How the project's trained NLU components keep their models: NumPy arrays and JSON.

No pickle: a model is a ``.npz`` of arrays and a ``.json`` of names and settings in the
component's folder of Rasa's model storage. And the fingerprint that makes Rasa retrain a
component when its training files or the code it depends on change (Rasa's own covers
the component class and its configuration only).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

logger = logging.getLogger(__name__)


def write(
    model_storage: ModelStorage,
    resource: Resource,
    files: tuple[str, str],
    arrays: Mapping[str, np.ndarray],
    meta: Mapping[str, Any],
    compressed: bool = True,
) -> None:
    """Store ``arrays`` and ``meta`` under ``files`` (the ``.npz`` and ``.json`` names)."""
    weights_file, meta_file = files
    with model_storage.write_to(resource) as folder:
        save = np.savez_compressed if compressed else np.savez
        save(folder / weights_file, **arrays)
        (folder / meta_file).write_text(json.dumps(meta))


def read(
    model_storage: ModelStorage, resource: Resource, files: tuple[str, str]
) -> tuple[dict[str, np.ndarray], dict[str, Any]] | None:
    """The stored arrays and meta, or ``None`` when nothing was stored (an untrained model)."""
    weights_file, meta_file = files
    try:
        with model_storage.read_from(resource) as folder:
            meta = json.loads((folder / meta_file).read_text())
            with np.load(folder / weights_file, allow_pickle=False) as arrays:
                return {name: arrays[name] for name in arrays.files}, meta
    except (ValueError, FileNotFoundError):
        logger.debug("Nothing stored for %s.", resource.name)
        return None


def fingerprint(files: Iterable[Path], modules: Iterable[ModuleType]) -> str:
    """A hash of training files and of the modules' source (a package: all its modules)."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for module in modules:
        path = Path(str(module.__file__))
        for source in sorted(path.parent.glob("*.py")) if path.name == "__init__.py" else [path]:
            digest.update(source.read_bytes())
    return digest.hexdigest()
