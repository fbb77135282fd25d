"""What a model directory holds besides model.onnx: its card, its reference cases and their images.

NOT FOR CLINICAL USE: synthetic data, demonstration models.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import torch
from PIL import Image

from . import data
from .export import CLASS_ORDER, FEATURE_SHAPE, gradcam_autograd, sha256_of

NOTICE = "NOT FOR CLINICAL USE"
OPSET = 17
OUTPUTS = {"logits": "logits", "features": "features", "classActivationMaps": "class_activation_maps"}


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_json(path: Path, value) -> None:
    path.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")


def read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def dataset_manifest(directory: Path) -> dict:
    return read_json(directory / "dataset.json")


def training_data_manifest(args) -> dict:
    """The training dataset's manifest, with the held-out datasets' seeds and counts when used."""
    manifest = dataset_manifest(args.data)
    if getattr(args, "holdout", None):
        sites = [("siteA", args.holdout)] + ([("siteB", args.holdout_b)] if args.holdout_b else [])
        manifest["holdout"] = {site: {k: dataset_manifest(d)[k] for k in ("generator", "seed", "splitSeed", "site", "counts")}
                               for site, d in sites}
    return manifest


def choose_references(test: data.Split, count: int) -> list[int]:
    """One case per group first, then Bethesda V and further cases, in dataset order."""
    chosen: list[int] = []
    for group in range(len(CLASS_ORDER)):
        chosen += [i for i, c in enumerate(test.cases) if c.group == group][:1]
    chosen += [i for i, c in enumerate(test.cases) if c.bethesda == "V" and i not in chosen][:1]
    chosen += [i for i in range(len(test)) if i not in chosen]
    return chosen[:count]


def write_reference_images(test: data.Split, source: Path, indices: list[int], out: Path,
                           prefix: str = "../reference-images") -> list[dict]:
    """The decoded pixels as lossless PNG (bit-exact input for parity) beside the original JPEG, in
    ``out``; the entries name them as ``prefix``/file, relative to the model directory."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for i in indices:
        case = test.cases[i]
        stem = Path(case.file).stem
        png = out / f"{stem}.png"
        Image.fromarray(test.pixels[i].permute(1, 2, 0).numpy()).save(png, optimize=False, compress_level=6)
        entry = {"png": f"{prefix}/{png.name}", "bethesda": case.bethesda,
                 "group": CLASS_ORDER[case.group], "site": case.site, "seed": case.seed}
        if Path(case.file).suffix.lower() in (".jpg", ".jpeg"):
            shutil.copyfile(source / case.file, out / Path(case.file).name)
            entry["jpeg"] = f"{prefix}/{Path(case.file).name}"
        written.append(entry)
    return written


def rounded(t: torch.Tensor) -> list:
    return [round(float(v), 7) for v in t.flatten()] if t.dim() <= 1 else [rounded(r) for r in t]


def reference_cases(net, view, test: data.Split, indices: list[int], images: list[dict], temperature: float) -> list[dict]:
    """A whole-image model's outputs on each reference case: logits, probabilities and autograd Grad-CAM.
    ``view`` makes the network's input from uint8 pixels."""
    refs = []
    for i, image in zip(indices, images):
        logits, _, cams = gradcam_autograd(net, view(test.pixels[i:i + 1]))
        refs.append({**image, "logits": rounded(logits), "rawProbabilities": rounded(logits.softmax(0)),
                     "probabilities": rounded((logits / temperature).softmax(0)), "gradCam": rounded(cams)})
    return refs


def references_file(name: str, temperature: float, cases: list[dict]) -> dict:
    return {"notice": NOTICE, "model": name, "temperature": temperature, "cases": cases}


def calibration_block(temperature: float, n_val: int) -> dict:
    return {"temperature": round(temperature, 6),
            "method": f"temperature scaling, NLL on the synthetic calibration cases (n={n_val})"}


def gradcam_block(variant: str, layer: str | None = None) -> dict:
    default = f"features (last feature map, {'x'.join(map(str, FEATURE_SHAPE))}, FinerFeatures)"
    return {"layer": (layer or default) + (" of each view" if variant == "PREMIUM" else ""),
            "closedForm": "ReLU(sum_k W[c,k]/(h*w) * A_k)", "output": OUTPUTS["classActivationMaps"]}


def data_block(manifest: dict) -> dict:
    return {"generator": manifest["generator"], "seed": manifest["seed"], "splitSeed": manifest["splitSeed"],
            "site": manifest["site"], "settings": manifest["settings"], "counts": manifest["counts"],
            **({"holdout": manifest["holdout"]} if "holdout" in manifest else {})}


def model_card(args, *, name, variant, architecture, onnx_path, preprocessing, outputs, temperature, n_val,
               training, metric_sets, manifest, created_at, gradcam_layer: str | None = None) -> dict:
    return {
        "name": name,
        "version": args.version,
        "sha256": sha256_of(onnx_path),
        "variant": variant,
        "architecture": architecture,
        "classOrder": list(CLASS_ORDER),
        "preprocessing": preprocessing,
        "calibration": calibration_block(temperature, n_val),
        "outputs": outputs,
        "gradCam": gradcam_block(variant, gradcam_layer),
        "opset": OPSET,
        "trained": True,
        "training": {**training, "threads": args.threads, "seed": args.seed, "data": data_block(manifest)},
        "metrics": metric_sets,
        "notes": "Trained from scratch on SYNTHETIC cytology images; the metrics are on the synthetic test "
                 "split and say nothing about real smears.",
        "intendedUse": f"{NOTICE}. Demonstration on synthetic data only.",
        "label": NOTICE,
        "createdAt": created_at,
    }
