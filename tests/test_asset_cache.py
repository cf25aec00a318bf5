"""The asset cache (addon/assets/cache.py) and the Asset Browser catalog file
(addon/assets/catalog.py)."""
from __future__ import annotations

import pytest

from addon.assets.cache import AssetCache, CacheError, cache_key, default_folder
from addon.assets.catalog import CATALOG_FILE, catalog_uuid, ensure_catalog


def test_the_key_is_the_request_not_its_key_order():
    a = cache_key("meshy", "a red chair", {"polycount": 5000, "pbr": True})
    assert a == cache_key("meshy", "a red chair", {"pbr": True, "polycount": 5000})
    assert a != cache_key("tripo", "a red chair", {"pbr": True, "polycount": 5000})
    assert a != cache_key("meshy", "a red chair", {"pbr": False, "polycount": 5000})
    assert len(a) == 64


def test_put_then_get_with_a_manifest_record(tmp_path):
    cache = AssetCache(tmp_path / "cache")
    assert cache.get("meshy", "chair") is None and cache.size_bytes() == 0
    path = cache.put("meshy", "chair", {"v": 1}, b"glTF....", ".GLB")
    assert path.suffix == ".glb" and cache.get("meshy", "chair", {"v": 1}) == path
    [entry] = cache.entries()
    assert (entry.provider, entry.prompt, entry.params, entry.bytes) == \
        ("meshy", "chair", {"v": 1}, 8)
    assert cache.size_bytes() > 8


def test_a_refused_or_failed_write_leaves_nothing(tmp_path):
    cache = AssetCache(tmp_path)

    def refuse(path):
        raise CacheError(f"{path.name}: truncated GLB")

    with pytest.raises(CacheError, match="truncated"):
        cache.put("meshy", "chair", None, b"glTF", ".glb", validate=refuse)
    with pytest.raises(OSError), cache.writing("meshy", "chair", None, ".glb") as temp:
        temp.write_bytes(b"half")
        raise OSError("connection reset")
    with pytest.raises(CacheError, match="empty"):
        cache.put("meshy", "chair", None, b"", ".glb")
    assert list(tmp_path.iterdir()) == [] and cache.get("meshy", "chair") is None


def test_a_file_of_the_wrong_size_is_a_miss_and_clear_keeps_the_catalog(tmp_path):
    cache = AssetCache(tmp_path)
    path = cache.put("tripo", "cup", None, b"0123456789", ".glb")
    path.with_suffix(".blend").write_bytes(b"derived")
    ensure_catalog(tmp_path, "tripo")
    path.write_bytes(b"0123")
    assert cache.get("tripo", "cup") is None
    assert cache.clear() == 3
    assert [p.name for p in tmp_path.iterdir()] == [CATALOG_FILE]


def test_the_command_line_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("STORY_MOTION_CACHE", str(tmp_path))
    assert default_folder() == tmp_path
    monkeypatch.delenv("STORY_MOTION_CACHE")
    assert default_folder().parts[-2:] == (".cache", "story-motion")


def test_catalog_lines_are_added_once_and_others_kept(tmp_path):
    file = tmp_path / CATALOG_FILE
    ident = ensure_catalog(tmp_path, "meshy")
    assert ident == catalog_uuid("Story Motion/meshy")
    file.write_text(file.read_text() + "0000-user:Mine/Props:Mine-Props\n")
    assert ensure_catalog(tmp_path, "meshy") == ident
    ensure_catalog(tmp_path, "hunyuan:local")
    lines = [x for x in file.read_text().splitlines() if x and not x.startswith("#")]
    assert lines[0] == "VERSION 1"
    assert sorted(x.split(":")[1] for x in lines[1:]) == [
        "Mine/Props", "Story Motion", "Story Motion/hunyuan-local", "Story Motion/meshy"]
