"""Files through Django's storage API (``STORAGES["default"]``): local disk under ``MEDIA_ROOT`` by
default, any backend (e.g. django-storages' S3 or Azure ones) in production.

What the app stores: import uploads (``imports/``), screening workbooks (``screening/``), evidence and
appeal attachments (``YYYY/MM/``). A row keeps a file's name, never its bytes; nothing is served
directly, each download is a view that checks who may see it.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.files.storage import Storage, default_storage
from django.db import transaction
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete


@contextlib.contextmanager
def local_copy(name: str, *, suffix: str = "", storage: Storage | None = None) -> Iterator[Path]:
    """A stored file as a local path for as long as the context lasts: the file itself on local disk,
    else a temporary copy (read in blocks, never whole into memory)."""
    storage = storage or default_storage
    try:
        local: str | None = storage.path(name)
    except NotImplementedError:  # a remote backend has no local path
        local = None
    if local is not None:
        yield Path(local)
        return
    with tempfile.TemporaryDirectory(prefix="qualify-file-") as folder:
        target = Path(folder) / f"file{suffix}"
        with storage.open(name, "rb") as source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy, 1 << 20)
        yield target


def walk(storage: Storage | None = None, folder: str = "") -> Iterator[str]:
    """Every file name in the storage (below ``folder``), in a stable order."""
    storage = storage or default_storage
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from walk(storage, f"{folder}/{sub}" if folder else sub)


def delete_with_row(model: type[Model], field: str) -> None:
    """When a row of ``model`` is deleted, delete its file (``field``) from the storage too, once the
    deletion is committed (a rolled-back deletion keeps the file)."""

    def _delete(sender: type[Model], instance: Model, **kwargs: Any) -> None:
        stored: FieldFile = getattr(instance, field)
        if stored and stored.name:
            name, storage = stored.name, stored.storage
            transaction.on_commit(lambda: storage.delete(name))

    post_delete.connect(_delete, sender=model, weak=False, dispatch_uid=f"qualify-files-{model._meta.label}")
