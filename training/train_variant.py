"""Trains a second encoder, MobileNetV2 at 160x160 with ImageNet normalisation, and exports it.

NOT FOR CLINICAL USE: synthetic data, demonstration model.

    /usr/bin/python3 -B training/train_variant.py --data DATA_A --site-b DATA_B --out models

It exists to show that CytoTriage serves any encoder whose card describes its input: another
architecture, another input size (160 instead of 224), another normalisation (ImageNet mean and
standard deviation instead of 0..1), chosen by model directory, not by code. Whole images only,
resized with plain bilinear interpolation exactly as the Java side does it; temperature fitted on
the validation split; the same outputs as Basic (logits, features, class_activation_maps, here
1280x5x5). Writes ``OUT/mobilenetv2-160`` (model.onnx, model-card.json, reference.json).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
import time
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F
from torchvision.models import mobilenet_v2

from cytotriage_training import data, metrics
from cytotriage_training.export import ExportWrapper, export_onnx, gradcam_autograd, verify_onnx
from train import (NOTICE, choose_references, log, model_card, rounded, training_data_manifest, write_json,
                   write_reference_images)

NAME = "mobilenetv2-160"
SIZE = 160
MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
PREPROCESSING = {"inputName": "image", "width": SIZE, "height": SIZE, "resize": "bilinear-stretch",
                 "channelOrder": "RGB", "layout": "NCHW", "scale": "0..1", "mean": MEAN.flatten().tolist(),
                 "std": STD.flatten().tolist()}


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, required=True, help="site A dataset (train/validation/test)")
    p.add_argument("--site-b", type=Path, help="site B dataset; its test split measures the shift")
    p.add_argument("--out", type=Path, required=True, help="models directory to write into")
    p.add_argument("--version", default="1.0.0-synthetic")
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--holdout", type=Path, help="as for train.py: the second half of its val split fits the "
                                                 "temperature, its test split is site A's test")
    p.add_argument("--holdout-b", type=Path, help="as for train.py: its test split is site B's test")
    p.add_argument("--limit", type=int, help="cap every split (smoke runs)")
    p.add_argument("--references", type=int, default=4)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=20261123)
    p.add_argument("--created-at", default=None)
    return p.parse_args(argv)


def view(pixels: torch.Tensor) -> torch.Tensor:
    """uint8 [N,3,H,W] -> the normalised 160x160 input, as ModelInputs computes it in Java."""
    x = F.interpolate(pixels.float() / 255.0, size=(SIZE, SIZE), mode="bilinear", align_corners=False)
    return (x - MEAN) / STD


@torch.inference_mode()
def logits_of(net, split: data.Split, batch: int = 64) -> torch.Tensor:
    net.eval()
    return torch.cat([net(view(split.pixels[i:i + batch])) for i in range(0, len(split), batch)])


@torch.no_grad()
def recalibrate_batchnorm(net, split: data.Split, batch: int, batches: int = 20) -> None:
    """Precise BatchNorm, as for Basic (train.py): plain averages over training batches."""
    norms = [m for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
    net.eval()
    for m in norms:
        m.reset_running_stats()
        m.momentum = None
        m.train()
    for b in range(min(batches, math.ceil(len(split) / batch))):
        net(view(split.pixels[b * batch:(b + 1) * batch]))
    for m in norms:
        m.momentum = 0.1
    net.eval()


def train(args, train_split: data.Split, validation: data.Split):
    torch.manual_seed(args.seed)
    net = mobilenet_v2(weights=None, num_classes=len(data.GROUPS))
    nn.init.zeros_(net.classifier[-1].weight)  # as for Basic: zero logits at the start train steadily
    nn.init.zeros_(net.classifier[-1].bias)
    steps = math.ceil(len(train_split) / args.batch)
    optimiser = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=args.lr, total_steps=args.epochs * steps,
                                                   pct_start=0.15)
    generator = torch.Generator().manual_seed(args.seed)
    best = (-1.0, None, 0)
    started = time.monotonic()
    for epoch in range(1, args.epochs + 1):
        net.train()
        order = torch.randperm(len(train_split), generator=generator)
        total = 0.0
        for step in range(steps):
            indices = order[step * args.batch:(step + 1) * args.batch]
            x = view(train_split.pixels[indices])
            if torch.rand(1, generator=generator) < 0.5:
                x = x.flip(-1)
            loss = F.cross_entropy(net(x), train_split.labels[indices])
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            schedule.step()
            total += float(loss) * len(indices)
        recalibrate_batchnorm(net, train_split, args.batch)
        f1 = metrics.macro_f1(logits_of(net, validation).argmax(1), validation.labels)
        log(f"{NAME} epoch {epoch}/{args.epochs}: train loss {total / len(train_split):.4f}, "
            f"validation macro-F1 {f1:.4f} ({time.monotonic() - started:.0f} s)")
        if f1 > best[0]:
            best = (f1, {k: v.clone() for k, v in net.state_dict().items()}, epoch)
    net.load_state_dict(best[1])
    net.eval()
    return net, {"seconds": round(time.monotonic() - started, 1), "epochs": args.epochs, "bestEpoch": best[2],
                 "batch": args.batch, "learningRate": args.lr, "validationMacroF1": best[0]}


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    created_at = args.created_at or dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    log(f"{NOTICE}: training {NAME} on synthetic data from {args.data}")
    train_split = data.load_split(args.data, "train", args.limit)
    validation = data.load_split(args.data, "val", args.limit)
    calibration = validation
    test_source, test_source_b = args.data, args.site_b
    if args.holdout:
        _, calibration = data.halves(data.load_split(args.holdout, "val", args.limit))
        test_source, test_source_b = args.holdout, args.holdout_b
    tests = {"siteA": data.load_split(test_source, "test", args.limit)}
    if test_source_b:
        tests["siteB"] = data.load_split(test_source_b, "test", args.limit)

    net, training = train(args, train_split, validation)
    temperature = metrics.fit_temperature(logits_of(net, calibration), calibration.labels)
    reports = {site: metrics.report(logits_of(net, split), split.labels, [c.bethesda for c in split.cases], temperature)
               for site, split in tests.items()}
    log(f"{NAME}: temperature {temperature:.3f}; " + ", ".join(f"{s} macro-F1 {m['macroF1']:.4f}" for s, m in reports.items()))

    manifest = training_data_manifest(args)
    out = args.out / NAME
    out.mkdir(parents=True, exist_ok=True)
    features = net.features(torch.zeros(1, 3, SIZE, SIZE)).shape[1:]
    export_onnx(ExportWrapper(net).eval(), out / "model.onnx", size=SIZE)
    verify_onnx(out / "model.onnx", size=SIZE, feature_shape=tuple(features))
    card = model_card(args, name=NAME, variant="BASIC", architecture=f"torchvision mobilenet_v2, 3-class head, {SIZE}x{SIZE}",
                      onnx_path=out / "model.onnx", preprocessing=PREPROCESSING,
                      outputs={"logits": "logits", "features": "features", "classActivationMaps": "class_activation_maps"},
                      temperature=temperature, n_val=len(calibration), training=training, metric_sets=reports,
                      manifest=manifest, created_at=created_at)
    card["gradCam"]["layer"] = f"features (last block, {'x'.join(map(str, features))})"
    write_json(out / "model-card.json", card)

    test = tests["siteA"]
    indices = choose_references(test, args.references)
    images = write_reference_images(test, test_source, indices, args.out / "reference-images")
    cases = []
    for i, image in zip(indices, images):
        logits, _, cams = gradcam_autograd(net, view(test.pixels[i:i + 1]))
        cases.append({**image, "logits": rounded(logits), "rawProbabilities": rounded(logits.softmax(0)),
                      "probabilities": rounded((logits / temperature).softmax(0)), "gradCam": rounded(cams)})
    write_json(out / "reference.json", {"notice": NOTICE, "model": NAME, "temperature": temperature, "cases": cases})
    log(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
