"""Trains the Basic and Premium ThyroidEffi models on a synthetic dataset and exports them.

NOT FOR CLINICAL USE: synthetic data, demonstration models.

    /usr/bin/python3 -B training/train.py --data DATA_A --site-b DATA_B --out models

DATA_A is a dataset with train/validation/test splits, DATA_B a dataset of the second site whose
test split measures the distribution shift (both written by the synthetic-cytology CLI). Writes
``OUT/thyroideffi-basic`` and ``OUT/thyroideffi-premium`` (model.onnx, model-card.json,
reference.json) and ``OUT/reference-images`` (the reference cases as PNG and their JPEG).

Basic: torchvision EfficientNet-B0 from scratch over four classes (Bethesda I, II, III to V, VI)
summed into the three groups (``export.GroupedNet``), trained on whole images (224x224) and, with
probability ``--tile-share``, on one 256x256 tile labelled with what it shows (``training_batch``),
with a loss that puts the true class's map on the lesion mask (``localisation_loss``), first as
the plain network (7x7 last map), then fine-tuned with a 14x14 last map (``basic_network``): the
same network then reads tiles for Premium. Premium:
the trained Basic network frozen, its 13 view outputs computed once, the small transformer trained
on them. Both get a temperature fitted on the validation split.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import shutil
import sys
import time
from pathlib import Path

import torch
from PIL import Image
from torch import nn
from torch.nn import functional as F

from cytotriage_training import data, metrics
from cytotriage_training.export import (BETHESDA_FINE_CLASS, CLASS_ORDER, FEATURE_SHAPE, FINE_CLASSES, ExportWrapper,
                                        GroupedNet, export_onnx, gradcam_autograd, sha256_of, verify_onnx)
from cytotriage_training.premium import PremiumExport, PremiumHead, export_premium

NOTICE = "NOT FOR CLINICAL USE"


def log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", flush=True)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, required=True, help="site A dataset (train/validation/test)")
    p.add_argument("--site-b", type=Path, help="site B dataset; its test split measures the shift")
    p.add_argument("--out", type=Path, required=True, help="models directory to write into")
    p.add_argument("--version", default="1.3.0-synthetic")
    p.add_argument("--epochs", type=int, default=7, help="epochs of the plain network (7x7 last map), from scratch")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--finer-epochs", type=int, default=3, help="epochs fine-tuning the finer network (14x14)")
    p.add_argument("--finer-lr", type=float, default=3e-4)
    p.add_argument("--batch", type=int, default=24)
    p.add_argument("--tile-share", type=float, default=0.4, help="share of training samples that are tiles")
    p.add_argument("--localisation", type=float, default=0.5,
                   help="weight of the loss that puts the true class's map on the lesion mask (localisation_loss)")
    p.add_argument("--bn-batches", type=int, default=30, help="training batches that re-estimate BatchNorm statistics")
    p.add_argument("--plain-checkpoint", type=Path,
                   help="plain network's weights: loaded if the file exists (its training skipped), else saved there")
    p.add_argument("--checkpoint", type=Path, help="Basic weights: loaded if the file exists (training skipped), else saved there")
    p.add_argument("--views-cache", type=Path, help="13-view Basic outputs: loaded if the file exists, else saved there")
    p.add_argument("--head-epochs", type=int, default=200)
    p.add_argument("--head-cases", type=int, default=1000, help="training cases whose 13 views train the head")
    p.add_argument("--holdout", type=Path,
                   help="independent site A dataset (val and test splits) the Basic network never saw: the first half "
                        "of its val split trains the Premium head, the second half selects it and fits both "
                        "temperatures, its test split is site A's test")
    p.add_argument("--holdout-b", type=Path, help="the holdout's seeds at site B; its test split is site B's test")
    p.add_argument("--limit", type=int, help="cap every split (smoke runs)")
    p.add_argument("--references", type=int, default=4, help="reference cases written for parity tests")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=20261123)
    p.add_argument("--created-at", default=None, help="card timestamp (default: now, UTC)")
    return p.parse_args(argv)


# ---------------------------------------------------------------------------------------------
# Basic


NONDIAGNOSTIC, BENIGN, ATYPICAL = (FINE_CLASSES.index(c) for c in ("NONDIAGNOSTIC", "BENIGN", "ATYPICAL"))


def training_batch(split: data.Split, indices: torch.Tensor, tile_share: float, generator: torch.Generator):
    """Whole images labelled with the case's class and, for a ``tile_share`` of the samples, one tile
    labelled with what it shows. A tile rich in the case's diagnostic cells (the lesion mask says
    which) takes the case's class. In half of the atypical and malignant cases (III to VI) the tile
    is one without lesion cells and takes Benign: its benign groups and empty background are no
    evidence of atypia, so the network must find that in the lesion, where a heatmap should point
    (trained on lesion tiles only, the Indeterminate map of III and V cases lit the rest of the smear,
    docs/benchmarks.md). Bethesda I says the whole field holds too few cells, which no tile shows,
    so its cases give whole images only. The number of tiles per batch is fixed, so BatchNorm sees
    the same mixture in every batch.

    Returns the views [B,3,224,224], their classes [B] and the share of each of the view's
    feature cells covered by the lesion mask [B,h,w], flipped with the view."""
    pixels = split.pixels[indices]
    labels = torch.tensor([BETHESDA_FINE_CLASS[split.cases[i].bethesda] for i in indices.tolist()])
    x = data.whole_view(pixels)
    cells = split.cell_lesion[indices, 0].clone()
    eligible = (labels != NONDIAGNOSTIC).nonzero().flatten()
    tiled = eligible[torch.randperm(len(eligible), generator=generator)[:round(tile_share * len(indices))]]
    if len(tiled):
        coverage = split.tile_lesion[indices[tiled]]
        rich = (coverage >= 0.5 * coverage.max(dim=1, keepdim=True).values) & (coverage > 0)
        clear = coverage == 0
        background = ((labels[tiled] >= ATYPICAL) & clear.any(dim=1)
                      & (torch.rand(len(tiled), generator=generator) < 0.5))
        choice = torch.multinomial(torch.where(background[:, None], clear, rich).float(), 1,
                                   generator=generator).squeeze(1)
        x[tiled] = data.tile_view(pixels[tiled], choice)
        cells[tiled] = split.cell_lesion[indices[tiled], 1 + choice]
        labels[tiled[background]] = BENIGN
    flips = torch.rand(2, generator=generator)
    if flips[0] < 0.5:
        x, cells = x.flip(-1), cells.flip(-1)
    if flips[1] < 0.5:
        x, cells = x.flip(-2), cells.flip(-2)
    return x, labels, cells


def localisation_loss(maps: torch.Tensor, labels: torch.Tensor, cells: torch.Tensor) -> torch.Tensor:
    """-log of the share of the true class's map, as a softmax over its cells, that falls on cells
    holding lesion (at least 5 % of the cell, or the cell with the most), for atypical and malignant
    samples that show lesion. The case label alone lets a network find Bethesda III to VI anywhere
    in the smear (1.1.0 pointed at III's atypical groups in 14 % of cases, Basic); the synthetic
    masks say where the diagnostic cells are, as an expert's annotation would on real smears.

    ``maps`` are the class activation maps [B,4,h,w]; times the cell count each cell's value is its
    own contribution W A_ij to the logit, the scale the softmax is taken on. ``cells`` [B,H,W] are
    averaged to the maps' size (the plain network's 7x7 from the finer 14x14)."""
    if cells.shape[-2:] != maps.shape[-2:]:
        cells = F.adaptive_avg_pool2d(cells[:, None], maps.shape[-2:])[:, 0]
    flat = cells.flatten(1)
    most = flat.max(dim=1, keepdim=True).values
    use = (labels >= ATYPICAL) & (most[:, 0] > 0)
    if not use.any():
        return maps.new_zeros(())
    lesion = flat[use] >= most[use].clamp(max=0.05)
    scores = maps[use, labels[use]].flatten(1) * (maps.shape[-2] * maps.shape[-1])
    on_lesion = torch.logsumexp(scores.masked_fill(~lesion, -math.inf), dim=1)
    return (torch.logsumexp(scores, dim=1) - on_lesion).mean()


@torch.no_grad()
def recalibrate_batchnorm(net, split: data.Split, args, batches: int) -> None:
    """Precise BatchNorm: running statistics recomputed as plain averages over ``batches`` training
    batches drawn as in training, with the weights fixed. The default exponential average lags the
    weights while the learning rate is high; measured here, validation macro-F1 swung between 0.17
    and 0.63 from one epoch to the next with train loss falling steadily."""
    norms = [m for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
    net.eval()
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # cumulative average
        m.train()
    generator = torch.Generator().manual_seed(args.seed + 7)
    order = torch.randperm(len(split), generator=generator)
    for b in range(min(batches, math.ceil(len(split) / args.batch))):
        x, _, _ = training_batch(split, order[b * args.batch:(b + 1) * args.batch], args.tile_share, generator)
        net(x)
    for m in norms:
        m.momentum = 0.1
    net.eval()


@torch.inference_mode()
def basic_logits(net, split: data.Split, batch: int = 32) -> torch.Tensor:
    net.eval()
    return torch.cat([net(data.whole_view(split.pixels[i:i + batch])) for i in range(0, len(split), batch)])


def train_basic(args, train: data.Split, validation: data.Split, net: GroupedNet, epochs: int, lr: float,
                stage: str) -> tuple[GroupedNet, dict]:
    """Trains ``net`` for ``epochs`` (one-cycle schedule peaking at ``lr``) and keeps the epoch with
    the best validation macro-F1."""
    steps_per_epoch = math.ceil(len(train) / args.batch)
    optimiser = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=lr, total_steps=epochs * steps_per_epoch,
                                                   pct_start=0.15)
    generator = torch.Generator().manual_seed(args.seed)
    best = (-1.0, None, 0)
    started = time.monotonic()
    for epoch in range(1, epochs + 1):
        net.train()
        order = torch.randperm(len(train), generator=generator)
        total, total_located, seen = 0.0, 0.0, 0
        epoch_start = time.monotonic()
        for step in range(steps_per_epoch):
            indices = order[step * args.batch:(step + 1) * args.batch]
            x, y, cells = training_batch(train, indices, args.tile_share, generator)
            fine, maps = net.fine_outputs(x)
            located = localisation_loss(maps, y, cells)
            loss = F.cross_entropy(fine, y) + args.localisation * located
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            schedule.step()
            total += float(loss) * len(y)
            total_located += float(located) * len(y)
            seen += len(y)
            if (step + 1) % 10 == 0 or step + 1 == steps_per_epoch:
                rate = seen / (time.monotonic() - epoch_start)
                print(f"\r  epoch {epoch}/{epochs} step {step + 1}/{steps_per_epoch} loss {total / seen:.3f}"
                      f" (localisation {total_located / seen:.3f}, {rate:.1f} img/s)", end="", flush=True)
        print()
        recalibrate_batchnorm(net, train, args, args.bn_batches)
        f1 = metrics.macro_f1(basic_logits(net, validation).argmax(1), validation.labels)
        log(f"{stage} epoch {epoch}/{epochs}: train loss {total / seen:.4f}, validation macro-F1 {f1:.4f}"
            f" ({time.monotonic() - started:.0f} s)")
        if f1 > best[0]:
            best = (f1, {k: v.clone() for k, v in net.state_dict().items()}, epoch)
    net.load_state_dict(best[1])
    net.eval()
    log(f"{stage}: kept epoch {best[2]} (validation macro-F1 {best[0]:.4f})")
    return net, {"seconds": round(time.monotonic() - started, 1), "epochs": epochs, "bestEpoch": best[2],
                 "batch": args.batch, "learningRate": lr, "tileShare": args.tile_share,
                 "localisationWeight": args.localisation, "validationMacroF1": best[0]}


def new_plain_net(args) -> GroupedNet:
    net = GroupedNet(seed=args.seed, finer=False)
    # torchvision initialises the last Linear with a range of 1/sqrt(classes), which gives large
    # logits at the start; trained from scratch, Adam then diverges (loss above 2 for a whole
    # epoch, measured). Zero logits at the start train steadily.
    nn.init.zeros_(net.classifier[-1].weight)
    nn.init.zeros_(net.classifier[-1].bias)
    return net


def cached(path: Path | None, train):
    """``train()``'s (weights, training record), read from ``path`` if it exists, else saved there."""
    if path and path.exists():
        saved = torch.load(path)
        log(f"basic: loaded {path} (trained earlier: {saved['training']})")
        return saved["weights"], saved["training"]
    weights, training = train()
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save({"weights": weights, "training": training}, path)
    return weights, training


def basic_network(args, train: data.Split, validation: data.Split) -> tuple[GroupedNet, dict]:
    """Two stages: the plain EfficientNet-B0 (7x7 last map) from scratch, then the same weights in
    the finer network (14x14, ``FinerFeatures``), fine-tuned with its lateral convolution. The
    plain stage is 1.2.0's recipe unchanged, so its checkpoint serves both; the fine-tuning starts
    from its outputs (the lateral term is zero) and teaches the lateral term to point within a cell."""
    def plain():
        net, training = train_basic(args, train, validation, new_plain_net(args), args.epochs, args.lr, "plain")
        return net.state_dict(), training

    def finer():
        plain_weights, plain_training = cached(args.plain_checkpoint, plain)
        net = GroupedNet()
        net.load_plain_weights(plain_weights)
        net, training = train_basic(args, train, validation, net, args.finer_epochs, args.finer_lr, "finer")
        return net.state_dict(), {"plain": plain_training, "finer": training}

    weights, training = cached(args.checkpoint, finer)
    net = GroupedNet()
    net.load_state_dict(weights)
    net.eval()
    return net, training


# ---------------------------------------------------------------------------------------------
# Premium


@torch.inference_mode()
def view_logits(net, split: data.Split, batch: int = 2) -> torch.Tensor:
    """[N,13,3] Basic logits on every view."""
    net.eval()
    out = []
    for i in range(0, len(split), batch):
        views = data.all_views(split.pixels[i:i + batch])
        out.append(net(views.flatten(0, 1)).reshape(-1, data.VIEW_COUNT, 3))
    return torch.cat(out)


def train_head(args, train_views, train_labels, val_views, val_labels):
    torch.manual_seed(args.seed + 1)
    head = PremiumHead()
    optimiser = torch.optim.AdamW(head.parameters(), lr=2e-3, weight_decay=1e-2)
    best = (-1.0, math.inf, None, 0)
    for epoch in range(1, args.head_epochs + 1):
        head.train()
        order = torch.randperm(len(train_labels))
        for i in range(0, len(order), 64):
            idx = order[i:i + 64]
            loss = F.cross_entropy(head(train_views[idx]), train_labels[idx])
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
        head.eval()
        with torch.no_grad():
            logits = head(val_views)
        f1 = metrics.macro_f1(logits.argmax(1), val_labels)
        nll = float(F.cross_entropy(logits, val_labels))
        if (f1, -nll) > (best[0], -best[1]):
            best = (f1, nll, {k: v.clone() for k, v in head.state_dict().items()}, epoch)
        if epoch % 50 == 0 or epoch == args.head_epochs:
            log(f"premium head epoch {epoch}/{args.head_epochs}: loss {float(loss):.4f},"
                f" validation macro-F1 {f1:.4f}")
    head.load_state_dict(best[2])
    head.eval()
    log(f"premium head: kept epoch {best[3]} (validation macro-F1 {best[0]:.4f})")
    return head, {"headEpochs": args.head_epochs, "bestHeadEpoch": best[3], "validationMacroF1": best[0]}


# ---------------------------------------------------------------------------------------------
# Cards and references


def dataset_manifest(directory: Path) -> dict:
    return json.loads((directory / "dataset.json").read_text(encoding="utf-8"))


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


def write_reference_images(test: data.Split, source: Path, indices: list[int], out: Path) -> list[dict]:
    """The decoded pixels as lossless PNG (bit-exact input for parity) beside the original JPEG."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for i in indices:
        case = test.cases[i]
        stem = Path(case.file).stem
        png = out / f"{stem}.png"
        Image.fromarray(test.pixels[i].permute(1, 2, 0).numpy()).save(png, optimize=False, compress_level=6)
        entry = {"png": f"../reference-images/{png.name}", "bethesda": case.bethesda,
                 "group": CLASS_ORDER[case.group], "site": case.site, "seed": case.seed}
        if Path(case.file).suffix.lower() in (".jpg", ".jpeg"):
            shutil.copyfile(source / case.file, out / Path(case.file).name)
            entry["jpeg"] = f"../reference-images/{Path(case.file).name}"
        written.append(entry)
    return written


def rounded(t: torch.Tensor) -> list:
    return [round(float(v), 7) for v in t.flatten()] if t.dim() <= 1 else [rounded(r) for r in t]


def basic_references(net, test: data.Split, indices: list[int], images: list[dict], temperature: float) -> list[dict]:
    refs = []
    for i, image in zip(indices, images):
        view = data.whole_view(test.pixels[i:i + 1])
        logits, _, cams = gradcam_autograd(net, view)
        refs.append({**image, "logits": rounded(logits), "rawProbabilities": rounded(logits.softmax(0)),
                     "probabilities": rounded((logits / temperature).softmax(0)), "gradCam": rounded(cams)})
    return refs


def premium_references(net, head, test, indices, images, temperature) -> list[dict]:
    refs = []
    for i, image in zip(indices, images):
        views = data.all_views(test.pixels[i:i + 1])[0]
        view_out = [gradcam_autograd(net, views[v:v + 1]) for v in range(data.VIEW_COUNT)]
        v_logits = torch.stack([o[0] for o in view_out])
        with torch.no_grad():
            logits = head(v_logits.unsqueeze(0))[0]
        refs.append({**image, "logits": rounded(logits), "rawProbabilities": rounded(logits.softmax(0)),
                     "probabilities": rounded((logits / temperature).softmax(0)), "viewLogits": rounded(v_logits),
                     "gradCam": rounded(torch.stack([o[2] for o in view_out]))})
    return refs


def model_card(args, *, name, variant, architecture, onnx_path, preprocessing, outputs, temperature, n_val,
               training, metric_sets, manifest, created_at) -> dict:
    return {
        "name": name,
        "version": args.version,
        "sha256": sha256_of(onnx_path),
        "variant": variant,
        "architecture": architecture,
        "classOrder": list(CLASS_ORDER),
        "preprocessing": preprocessing,
        "calibration": {"temperature": round(temperature, 6),
                        "method": f"temperature scaling, NLL on the synthetic calibration cases (n={n_val})"},
        "outputs": outputs,
        "gradCam": {"layer": f"features (last feature map, {'x'.join(map(str, FEATURE_SHAPE))}, FinerFeatures)"
                             + (" of each view" if variant == "PREMIUM" else ""),
                    "closedForm": "ReLU(sum_k W[c,k]/(h*w) * A_k)", "output": outputs["classActivationMaps"]},
        "opset": 17,
        "trained": True,
        "training": {**training, "threads": args.threads, "seed": args.seed,
                     "data": {"generator": manifest["generator"], "seed": manifest["seed"],
                              "splitSeed": manifest["splitSeed"], "site": manifest["site"],
                              "settings": manifest["settings"], "counts": manifest["counts"],
                              **({"holdout": manifest["holdout"]} if "holdout" in manifest else {})}},
        "metrics": metric_sets,
        "notes": "Trained from scratch on SYNTHETIC cytology images; the metrics are on the synthetic test "
                 "split and say nothing about real smears.",
        "intendedUse": f"{NOTICE}. Demonstration on synthetic data only.",
        "label": NOTICE,
        "createdAt": created_at,
    }


def write_json(path: Path, value) -> None:
    path.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")


BASIC_PREPROCESSING = {"inputName": "image", "width": 224, "height": 224, "resize": "bilinear-stretch",
                       "channelOrder": "RGB", "layout": "NCHW", "scale": "0..1", "mean": [0, 0, 0], "std": [1, 1, 1]}
PREMIUM_PREPROCESSING = {**BASIC_PREPROCESSING, "inputName": "views",
                         "views": {"canvasWidth": data.CANVAS_WIDTH, "canvasHeight": data.CANVAS_HEIGHT,
                                   "tile": data.TILE, "rows": data.TILE_ROWS, "columns": data.TILE_COLS,
                                   "order": "whole image, then tiles row by row"}}


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    created_at = args.created_at or dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    log(f"{NOTICE}: training on synthetic data from {args.data}")

    started = time.monotonic()
    train = data.load_split(args.data, "train", args.limit)
    validation = data.load_split(args.data, "val", args.limit)
    if args.holdout:
        # On its own training images the Basic network is more confident, tiles included, than on
        # unseen ones; a head trained on those outputs learns to trust tiles too much. Held-out
        # outputs teach it the trust they deserve, and a larger test split measures ECE more tightly.
        head_train, calibration = data.halves(data.load_split(args.holdout, "val", args.limit))
        test_a = data.load_split(args.holdout, "test", args.limit)
        test_b = data.load_split(args.holdout_b, "test", args.limit) if args.holdout_b else None
    else:
        head_train = train.part(0, args.head_cases)
        calibration = validation
        test_a = data.load_split(args.data, "test", args.limit)
        test_b = data.load_split(args.site_b, "test", args.limit) if args.site_b else None
    log(f"loaded train {len(train)}, validation {len(validation)}, head training {len(head_train)}, "
        f"calibration {len(calibration)}, test A {len(test_a)}, test B {len(test_b) if test_b else 0} "
        f"in {time.monotonic() - started:.0f} s")
    tests = {"siteA": test_a, **({"siteB": test_b} if test_b else {})}

    net, basic_training = basic_network(args, train, validation)
    basic_t = metrics.fit_temperature(basic_logits(net, calibration), calibration.labels)
    basic_metrics = {site: metrics.report(basic_logits(net, split), split.labels, [c.bethesda for c in split.cases],
                                          basic_t) for site, split in tests.items()}
    log(f"basic: temperature {basic_t:.3f}; " + ", ".join(
        f"{site} macro-F1 {m['macroF1']:.4f}" for site, m in basic_metrics.items()))

    started = time.monotonic()
    if args.views_cache and args.views_cache.exists():
        view_sets, view_seconds = torch.load(args.views_cache)
        log(f"premium: loaded 13-view outputs from {args.views_cache}")
    else:
        view_sets = {name: view_logits(net, split) for name, split in
                     {"train": head_train, "calibration": calibration, **tests}.items()}
        view_seconds = time.monotonic() - started
        if args.views_cache:
            torch.save((view_sets, view_seconds), args.views_cache)
    log(f"premium: 13-view outputs of {sum(len(v) for v in view_sets.values())} cases in {view_seconds:.0f} s")
    head, head_training = train_head(args, view_sets["train"], head_train.labels,
                                     view_sets["calibration"], calibration.labels)
    with torch.no_grad():
        head_logits = {name: head(v) for name, v in view_sets.items()}
    premium_t = metrics.fit_temperature(head_logits["calibration"], calibration.labels)
    premium_metrics = {site: metrics.report(head_logits[site], split.labels, [c.bethesda for c in split.cases],
                                            premium_t) for site, split in tests.items()}
    log(f"premium: temperature {premium_t:.3f}; " + ", ".join(
        f"{site} macro-F1 {m['macroF1']:.4f}" for site, m in premium_metrics.items()))

    references = choose_references(test_a, args.references)
    images = write_reference_images(test_a, args.holdout or args.data, references, args.out / "reference-images")
    manifest = training_data_manifest(args)

    basic_dir = args.out / "thyroideffi-basic"
    basic_dir.mkdir(parents=True, exist_ok=True)
    export_onnx(ExportWrapper(net).eval(), basic_dir / "model.onnx")
    verify_onnx(basic_dir / "model.onnx")
    write_json(basic_dir / "model-card.json", model_card(
        args, name="thyroideffi-basic", variant="BASIC",
        architecture="torchvision efficientnet_b0, 4-class head (Bethesda I, II, III to V, VI) summed into the "
                     "3 groups by log-sum-exp",
        onnx_path=basic_dir / "model.onnx", preprocessing=BASIC_PREPROCESSING,
        outputs={"logits": "logits", "features": "features", "classActivationMaps": "class_activation_maps"},
        temperature=basic_t, n_val=len(calibration), training=basic_training, metric_sets=basic_metrics,
        manifest=manifest, created_at=created_at))
    write_json(basic_dir / "reference.json", {
        "notice": NOTICE, "model": "thyroideffi-basic", "temperature": basic_t,
        "cases": basic_references(net, test_a, references, images, basic_t)})

    premium_dir = args.out / "thyroideffi-premium"
    premium_dir.mkdir(parents=True, exist_ok=True)
    export_premium(PremiumExport(net, head).eval(), premium_dir / "model.onnx")
    write_json(premium_dir / "model-card.json", model_card(
        args, name="thyroideffi-premium", variant="PREMIUM",
        architecture="13 views (whole image + 3x4 tiles of 256x256) through thyroideffi-basic's EfficientNet-B0, "
                     "transformer over the 13 view tokens (probabilities + one-hot argmax), 3 layers, 2 heads, MLP 12, "
                     "added to the whole-image view's logits",
        onnx_path=premium_dir / "model.onnx", preprocessing=PREMIUM_PREPROCESSING,
        outputs={"logits": "logits", "viewLogits": "view_logits", "features": "features",
                 "classActivationMaps": "class_activation_maps"},
        temperature=premium_t, n_val=len(calibration),
        training={**basic_training, **head_training, "headCases": len(head_train),
                  "viewOutputSeconds": round(view_seconds, 1)},
        metric_sets=premium_metrics, manifest=manifest, created_at=created_at))
    write_json(premium_dir / "reference.json", {
        "notice": NOTICE, "model": "thyroideffi-premium", "temperature": premium_t,
        "cases": premium_references(net, head, test_a, references, images, premium_t)})
    log(f"wrote {basic_dir} and {premium_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
