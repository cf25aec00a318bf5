"""A user's model and motion folders (addon/assets/library_index.py): names, tags, label files,
search with the prop and motion libraries' word matching, and re-indexing on change."""
from __future__ import annotations

import json
import os

import pytest

from addon.assets.library_index import LibraryIndexError, index_folder


def _touch(path, text="x"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_models_are_named_and_matched_by_the_prop_words(tmp_path):
    _touch(tmp_path / "old_armchair_02.glb")
    _touch(tmp_path / "wine bottle.obj")
    _touch(tmp_path / "sub" / "Sedan.fbx")
    _touch(tmp_path / "notes.txt")
    _touch(tmp_path / ".hidden" / "chair.glb")
    index = index_folder(tmp_path, "model")
    assert sorted(e.path.name for e in index.entries) == ["Sedan.fbx", "old_armchair_02.glb",
                                                          "wine bottle.obj"]
    by_name = {e.name: e for e in index.entries}
    assert by_name["Sedan"].category == "car" and by_name["wine bottle"].category == "bottle"
    assert [e.name for e in index.search("seat")] == ["old_armchair_02"]     # chair by lexicon
    assert [e.name for e in index.search("automobile")] == ["Sedan"]
    assert index.search("piano") == []


def test_label_files_set_name_tags_category_size_and_forward(tmp_path):
    _touch(tmp_path / "m1.glb")
    _touch(tmp_path / "m2.glb")
    _touch(tmp_path / "m3.glb")
    _touch(tmp_path / "labels.json", json.dumps({
        "m1.glb": {"name": "throne", "tags": ["royal", "gold"], "category": "chair",
                   "size_m": 1.6, "forward": "+x"},
        "m2": {"name": "bench", "size_m": -1, "colour": "red"}}))
    _touch(tmp_path / "m2.glb.json", json.dumps({"name": "stool", "forward": "up"}))
    index = index_folder(tmp_path, "model")
    by_file = {e.path.name: e for e in index.entries}
    throne = by_file["m1.glb"]
    assert (throne.name, throne.tags, throne.category, throne.size_m, throne.forward) == \
        ("throne", ("royal", "gold"), "chair", 1.6, "+X")
    assert by_file["m2.glb"].name == "stool" and by_file["m2.glb"].size_m is None
    assert any("forward 'up' ignored" in w for w in index.warnings)
    assert by_file["m3.glb"].category is None
    assert [e.name for e in index.search("royal throne")][:1] == ["throne"]
    assert [e.name for e in index.search("chair")] == ["stool", "throne"]


def test_motions_take_action_labels_like_the_motion_library(tmp_path):
    _touch(tmp_path / "Walking_02.bvh")
    _touch(tmp_path / "greeting.fbx")
    _touch(tmp_path / "salsa.bvh")
    _touch(tmp_path / "labels.json", json.dumps({"greeting.fbx": ["wave"]}))
    index = index_folder(tmp_path, "motion")
    by_name = {e.name: e for e in index.entries}
    assert by_name["Walking_02"].actions == ("walk",)
    assert by_name["greeting"].actions == ("wave",)
    assert by_name["salsa"].actions == ("salsa",)
    assert [e.name for e in index.search("wave")] == ["greeting"]
    assert [e.name for e in index.search("salsa")] == ["salsa"]


def test_the_index_is_reused_until_a_file_changes(tmp_path):
    _touch(tmp_path / "chair.glb")
    first = index_folder(tmp_path, "model")
    assert index_folder(tmp_path, "model") is first
    label = _touch(tmp_path / "chair.glb.json", json.dumps({"name": "stool"}))
    second = index_folder(tmp_path, "model")
    assert second is not first and second.entries[0].name == "stool"
    label.write_text(json.dumps({"name": "seat"}))
    os.utime(label, ns=(label.stat().st_atime_ns, label.stat().st_mtime_ns + 10 ** 9))
    assert index_folder(tmp_path, "model").entries[0].name == "seat"


def test_broken_labels_warn_and_bad_folders_raise(tmp_path):
    _touch(tmp_path / "chair.glb")
    _touch(tmp_path / "labels.json", "{not json")
    index = index_folder(tmp_path, "model")
    assert index.entries[0].category == "chair" and "not readable JSON" in index.warnings[0]
    with pytest.raises(LibraryIndexError, match="does not exist"):
        index_folder(tmp_path / "nowhere", "model")
    with pytest.raises(LibraryIndexError, match="unknown library kind"):
        index_folder(tmp_path, "texture")
