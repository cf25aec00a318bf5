"""The Asset Browser's catalog file (`blender_assets.cats.txt`) of an asset library folder.

Blender lists a library's assets under the catalogs this file defines, one line
`UUID:path/of/catalog:simple name` each.  Cached models go under "Story Motion/<provider>";
the UUID is derived from the path, so every machine and every run names the same catalog the
same way, and lines other tools or the user wrote are kept.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

CATALOG_FILE = "blender_assets.cats.txt"
ROOT_CATALOG = "Story Motion"
_HEADER = """\
# This is an Asset Catalog Definition file for Blender.
#
# Empty lines and lines starting with `#` will be ignored.
# The first non-ignored line should be the version indicator.
# Other lines are of the format "UUID:catalog/path/for/assets:simple catalog name"

VERSION 1
"""


def catalog_path(provider: str) -> str:
    """"Story Motion/<provider>", with the characters Blender reserves in a path replaced."""
    clean = "".join("-" if c in ':/\\"' else c for c in provider.strip()) or "local"
    return f"{ROOT_CATALOG}/{clean}"


def catalog_uuid(path: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"story-motion:catalog:{path}"))


def ensure_catalog(folder: str | Path, provider: str) -> str:
    """Make sure the folder's catalog file defines "Story Motion/<provider>" (and its parent);
    returns the provider catalog's UUID for `asset_data.catalog_id`."""
    file = Path(folder) / CATALOG_FILE
    text = file.read_text(encoding="utf-8") if file.is_file() else _HEADER
    known = {line.split(":", 2)[0] for line in text.splitlines()
             if line.strip() and not line.startswith(("#", "VERSION"))}
    lines = []
    for path in (ROOT_CATALOG, catalog_path(provider)):
        ident = catalog_uuid(path)
        if ident not in known:
            lines.append(f"{ident}:{path}:{path.replace('/', '-')}")
    if lines:
        file.parent.mkdir(parents=True, exist_ok=True)
        temp = file.with_name(f".{CATALOG_FILE}.{os.getpid()}")
        temp.write_text(text.rstrip("\n") + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
        os.replace(temp, file)
    return catalog_uuid(catalog_path(provider))
