#!/usr/bin/python3 -B
"""Export the untrained CytoTriage "Basic" network (ThyroidEffi-style EfficientNet-B0) to ONNX.

NOT FOR CLINICAL USE. The network is not trained: its outputs carry no information about the
image. It exists so the Java inference service has a real model directory to load (the walking
skeleton) and so Java tests have PyTorch reference values to check against.

The wrapper, the ONNX interface and the export itself live in ``cytotriage_training.export``
(see its docstring); this script adds what is specific to the untrained model:

  * seeded random weights, and (``--calibrate-bn``, the default) BatchNorm running statistics
    set on seeded random images, so activations have a normal magnitude and outputs depend on
    the input (with the default 0/1 statistics the logits are ~1e-13, useless for parity tests);
  * reference.json: two deterministic synthetic inputs with PyTorch logits, probabilities,
    autograd Grad-CAM and the in-graph ``class_activation_maps``; the export fails unless
    autograd Grad-CAM and ReLU(class_activation_maps) agree to 1e-5 of each map's maximum;
  * model-card.json.

Output directory (--out), e.g. models/basic-untrained/: model.onnx, model-card.json,
reference.json.

Run with Debian's Python (see install.sh), without writing __pycache__:
  /usr/bin/python3 -B training/export_untrained.py --out models/basic-untrained
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

from cytotriage_training.export import (
    CLASS_ORDER, IMAGE_SIZE, OPSET, OUTPUT_NAMES, ExportWrapper, export_onnx, gradcam_autograd,
    new_efficientnet_b0, sha256_of, verify_onnx)

SEED = 20261123                 # weight initialisation
CALIBRATION_SEED = 20261124     # random images for the BatchNorm statistics
CALIBRATION_IMAGES = 64
CALIBRATION_BATCH = 16
# Largest tolerated |autograd Grad-CAM - ReLU(class_activation_maps)|, relative to the map's max.
GRADCAM_REL_TOLERANCE = 1e-5
# After BatchNorm calibration the largest |logit| of each reference input must lie in this range.
LOGIT_MAGNITUDE_RANGE = (1e-3, 1e2)

# Synthetic reference inputs. Each value is an integer k computed from (c, i, j) -- c the channel
# (0=R, 1=G, 2=B), i the row, j the column, all 0-based -- then x[c,i,j] = float32(k / D) with the
# division done in double precision (Java: (float) (k / D)). Shape [1,3,224,224].
REFERENCE_INPUTS = [
    {
        "name": "ramp",
        "formula": "x[c,i,j] = ((i*7 + j*13 + c*29) % 256) / 255.0",
        "numerator": lambda c, i, j: (i * 7 + j * 13 + c * 29) % 256,
        "denominator": 255.0,
    },
    {
        "name": "quadratic",
        "formula": "x[c,i,j] = ((i*i + 3*i*j + 5*j + 41*c) % 251) / 250.0",
        "numerator": lambda c, i, j: (i * i + 3 * i * j + 5 * j + 41 * c) % 251,
        "denominator": 250.0,
    },
]


def make_input(spec: dict) -> torch.Tensor:
    c, i, j = np.meshgrid(np.arange(3), np.arange(IMAGE_SIZE), np.arange(IMAGE_SIZE), indexing="ij")
    k = spec["numerator"](c.astype(np.int64), i.astype(np.int64), j.astype(np.int64))
    x = (k.astype(np.float64) / spec["denominator"]).astype(np.float32)
    return torch.from_numpy(x).unsqueeze(0)


def calibrate_batchnorm(net: nn.Module, num_images: int, batch_size: int, seed: int) -> None:
    """Set every BatchNorm's running statistics from seeded uniform 0..1 images; leave net in eval.

    Only the BatchNorm layers run in train mode (stochastic depth and dropout stay off, so the
    statistics match the eval-mode forward). The running statistics are reset and accumulated as
    an exact average over the batches (momentum None), under torch.no_grad(). Weights unchanged.
    """
    generator = torch.Generator().manual_seed(seed)
    net.eval()
    norms = [m for m in net.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    momenta = [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None
        m.train()
    try:
        with torch.no_grad():
            for start in range(0, num_images, batch_size):
                n = min(batch_size, num_images - start)
                net(torch.rand(n, 3, IMAGE_SIZE, IMAGE_SIZE, generator=generator))
    finally:
        for m, momentum in zip(norms, momenta):
            m.momentum = momentum
        net.eval()


def _max_rel_diff(a: torch.Tensor, b: torch.Tensor) -> float:
    """max |a - b| relative to the larger of the two maps' max |value| (0 when both are 0)."""
    scale = float(torch.maximum(a.abs().max(), b.abs().max()))
    diff = float((a.double() - b.double()).abs().max())
    return diff / scale if scale > 0 else diff


def build_reference(wrapper: ExportWrapper, calibration: dict | None) -> tuple[dict, float]:
    """reference.json content, and the worst autograd-vs-in-graph Grad-CAM relative difference."""
    net = wrapper.net
    entries = []
    worst_rel = 0.0
    for spec in REFERENCE_INPUTS:
        x = make_input(spec)
        logits, features, cams_autograd = gradcam_autograd(net, x)
        with torch.no_grad():
            w_logits, w_features, w_cams = (t[0] for t in wrapper(x))
        if _max_rel_diff(w_logits, logits) > 1e-6 or _max_rel_diff(w_features, features) > 1e-6:
            raise SystemExit("export wrapper disagrees with the torchvision model")
        cams_relu = torch.relu(w_cams)
        rels = [_max_rel_diff(cams_autograd[c], cams_relu[c]) for c in range(len(CLASS_ORDER))]
        rel = max(rels)
        worst_rel = max(worst_rel, rel)
        if rel > GRADCAM_REL_TOLERANCE:
            raise SystemExit(f"{spec['name']}: autograd Grad-CAM differs from "
                             f"ReLU(class_activation_maps) by {rel:.3e} of the map's max "
                             f"(tolerance {GRADCAM_REL_TOLERANCE})")
        probs = torch.softmax(logits.double(), dim=0)
        entries.append({
            "name": spec["name"],
            "formula": spec["formula"],
            "shape": [1, 3, IMAGE_SIZE, IMAGE_SIZE],
            "logits": [float(v) for v in logits],
            "probabilities": [float(v) for v in probs],
            "featuresSum": float(features.double().sum()),
            "gradCam": {cls: cams_autograd[c].tolist() for c, cls in enumerate(CLASS_ORDER)},
            "classActivationMaps": {cls: w_cams[c].tolist() for c, cls in enumerate(CLASS_ORDER)},
            "classActivationMapsRelu": {cls: cams_relu[c].tolist()
                                        for c, cls in enumerate(CLASS_ORDER)},
            "gradCamMaxRelDiff": rel,
        })
    if calibration is not None:
        magnitude_note = (
            "Weights are random (seed {seed}); the BatchNorm running statistics were set on {n} "
            "random uniform 0..1 images (seed {cseed}), so activations have a normal magnitude "
            "and the outputs depend on the input. The model is still untrained: the values carry "
            "no information about the image, but are suitable for numerical parity tests (use a "
            "relative tolerance for Grad-CAM maps, relative to the map's max).").format(
                seed=SEED, n=calibration["images"], cseed=calibration["seed"])
    else:
        magnitude_note = (
            "Freshly initialised EfficientNet-B0 with BatchNorm running statistics 0/1 (no "
            "--calibrate-bn): activations shrink through the depthwise blocks, logits are of "
            "order 1e-13 and the probabilities 1/3; absolute tolerances are vacuous here.")
    reference = {
        "model": "thyroideffi-basic",
        "modelVersion": "0.0.1-untrained",
        "label": "NOT FOR CLINICAL USE",
        "classOrder": list(CLASS_ORDER),
        "inputConvention": (
            "c = channel (0=R, 1=G, 2=B), i = row, j = column, all 0-based; the integer numerator "
            "is computed exactly, divided in double precision, then rounded to float32 "
            "(Java: (float) (k / D)). Layout NCHW, batch of 1."),
        "probabilities": "softmax of the logits at temperature 1.0",
        "gradCamDefinition": (
            "gradCam: standard Grad-CAM computed with PyTorch autograd hooks on model.features[-1] "
            "(the 'features' output A), unnormalised 7x7 map per class, rows then columns: "
            "ReLU(sum_k mean_ij(d logit_c / d A_k) * A_k). classActivationMaps: the ONNX output "
            "'class_activation_maps' = sum_k W[c,k] * A_k / (h*w) (before ReLU), W the final Linear "
            "weight; classActivationMapsRelu: ReLU of it, which equals gradCam."),
        "gradCamRelativeTolerance": GRADCAM_REL_TOLERANCE,
        "batchNormCalibration": calibration,
        "magnitudeNote": magnitude_note,
        "inputs": entries,
    }
    return reference, worst_rel


def check_logits(reference: dict) -> None:
    """Calibrated logits must be of normal magnitude and differ between the reference inputs."""
    lo, hi = LOGIT_MAGNITUDE_RANGE
    all_logits = [np.array(e["logits"]) for e in reference["inputs"]]
    for entry, logits in zip(reference["inputs"], all_logits):
        peak = float(np.abs(logits).max())
        if not lo <= peak < hi:
            raise SystemExit(f"{entry['name']}: max |logit| {peak:.3e} outside [{lo}, {hi})")
    spread = float(np.abs(all_logits[0] - all_logits[1]).max())
    if spread <= 1e-3 * float(np.abs(all_logits[0]).max()):
        raise SystemExit(f"reference logits barely depend on the input (max diff {spread:.3e})")


def model_card(sha256: str, created_at: str, calibration: dict | None) -> dict:
    if calibration is not None:
        notes = ("Untrained network exported for the walking skeleton. The weights are random "
                 f"(seed {SEED}) and the BatchNorm running statistics were set on "
                 f"{calibration['images']} random uniform 0..1 images (seed {calibration['seed']}) "
                 "so that activations have a normal magnitude; it is still untrained and its "
                 "outputs carry no information about the image.")
    else:
        notes = ("Untrained network exported for the walking skeleton: random weights (seed "
                 f"{SEED}), default BatchNorm statistics; its outputs carry no information about "
                 "the image.")
    return {
        "name": "thyroideffi-basic",
        "version": "0.0.1-untrained",
        "sha256": sha256,
        "variant": "BASIC",
        "architecture": "torchvision efficientnet_b0, 3-class head",
        "classOrder": list(CLASS_ORDER),
        "preprocessing": {
            "inputName": "image",
            "width": IMAGE_SIZE,
            "height": IMAGE_SIZE,
            "resize": "bilinear-stretch",
            "channelOrder": "RGB",
            "layout": "NCHW",
            "scale": "0..1",
            "mean": [0, 0, 0],
            "std": [1, 1, 1],
        },
        "calibration": {"temperature": 1.0, "method": "none (untrained)"},
        "outputs": {
            "logits": OUTPUT_NAMES[0],
            "features": OUTPUT_NAMES[1],
            "classActivationMaps": OUTPUT_NAMES[2],
        },
        "gradCam": {
            "layer": "features (last block, 1280x7x7)",
            "closedForm": "ReLU(sum_k W[c,k]/(h*w) * A_k)",
            "output": OUTPUT_NAMES[2],
        },
        "opset": OPSET,
        "trained": False,
        "notes": notes,
        "intendedUse": "NOT FOR CLINICAL USE. Demonstration on synthetic data only.",
        "label": "NOT FOR CLINICAL USE",
        "metrics": None,
        "createdAt": created_at,
    }


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, type=Path,
                   help="output directory, e.g. models/basic-untrained (created if missing)")
    p.add_argument("--threads", type=int, default=2, help="torch intra-op threads (default 2)")
    p.add_argument("--created-at", default=None,
                   help="ISO-8601 UTC timestamp for the card (default: now)")
    p.add_argument("--calibrate-bn", action=argparse.BooleanOptionalAction, default=True,
                   help="set BatchNorm running statistics on seeded random images (default on)")
    p.add_argument("--calibration-images", type=int, default=CALIBRATION_IMAGES,
                   help=f"number of random images for --calibrate-bn (default {CALIBRATION_IMAGES})")
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    created_at = args.created_at or dt.datetime.now(dt.timezone.utc).replace(
        microsecond=0).isoformat().replace("+00:00", "Z")

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    onnx_path = out / "model.onnx"

    net = new_efficientnet_b0(len(CLASS_ORDER), seed=SEED)
    calibration = None
    if args.calibrate_bn:
        calibrate_batchnorm(net, args.calibration_images, CALIBRATION_BATCH, CALIBRATION_SEED)
        calibration = {
            "images": args.calibration_images,
            "batchSize": CALIBRATION_BATCH,
            "seed": CALIBRATION_SEED,
            "distribution": "uniform 0..1, shape [3,224,224]",
            "method": ("BatchNorm layers in train mode (rest eval), running statistics reset "
                       "and averaged over the batches, torch.no_grad()"),
        }
    wrapper = ExportWrapper(net).eval()

    reference, worst_rel = build_reference(wrapper, calibration)
    if args.calibrate_bn:
        check_logits(reference)

    export_onnx(wrapper, onnx_path)
    verify_onnx(onnx_path, len(CLASS_ORDER))
    digest = sha256_of(onnx_path)
    write_json(out / "reference.json", reference)
    write_json(out / "model-card.json", model_card(digest, created_at, calibration))

    print(f"wrote {onnx_path} ({onnx_path.stat().st_size} bytes, sha256 {digest})")
    print(f"outputs: {', '.join(OUTPUT_NAMES)}")
    for e in reference["inputs"]:
        print(f"  {e['name']}: logits {['%.4g' % v for v in e['logits']]}")
    print(f"autograd Grad-CAM vs ReLU(class_activation_maps): max relative diff {worst_rel:.3e} "
          f"(tolerance {GRADCAM_REL_TOLERANCE})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
