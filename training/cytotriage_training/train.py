"""Trains the Basic and Premium ThyroidEffi models on a synthetic dataset and exports them.

NOT FOR CLINICAL USE: synthetic data, demonstration models.

    cd training && /usr/bin/python3 -B -m cytotriage_training.train --data DATA_A --site-b DATA_B --out models

DATA_A is a dataset with train/validation/test splits, DATA_B a dataset of the second site whose
test split measures the distribution shift (both written by the synthetic-cytology CLI). Writes
``OUT/thyroideffi-basic`` and ``OUT/thyroideffi-premium`` (model.onnx, model-card.json,
reference.json) and ``OUT/reference-images`` (the reference cases as PNG and their JPEG).

Basic: torchvision EfficientNet-B0 from scratch over four classes (Bethesda I, II, III to V, VI)
summed into the three groups (``export.GroupedNet``), trained on whole images (224x224) and, with
probability ``--tile-share``, on one 256x256 tile labelled with what it shows (``basic.training_batch``),
with a loss that puts the true class's map on the lesion mask (``basic.localisation_loss``), first as
the plain network (7x7 last map), then fine-tuned with a 14x14 last map (``basic_network``): the
same network then reads tiles for Premium. Premium:
the trained Basic network frozen, its 13 view outputs computed once, the small transformer trained
on them. Both get a temperature fitted on the validation split.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import torch
from torch.nn import functional as F

from . import basic, calibration as calibrating, cards, data, loop, metrics, options
from .cards import NOTICE, rounded, write_json
from .export import ExportWrapper, GroupedNet, export_onnx, gradcam_autograd, verify_onnx
from .loop import log
from .premium import PremiumExport, PremiumHead, export_premium

BASIC_ARCHITECTURE = ("torchvision efficientnet_b0, 4-class head (Bethesda I, II, III to V, VI) summed into the "
                      "3 groups by log-sum-exp")


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = options.parser(__doc__)
    options.add_datasets(p)
    p.add_argument("--version", default="1.3.0-synthetic")
    options.add_schedule(p, epochs=7, batch=24, lr=1e-3,
                         epochs_help="epochs of the plain network (7x7 last map), from scratch")
    p.add_argument("--finer-epochs", type=int, default=3, help="epochs fine-tuning the finer network (14x14)")
    p.add_argument("--finer-lr", type=float, default=3e-4)
    options.add_basic_losses(p)
    p.add_argument("--bn-batches", type=int, default=30, help="training batches that re-estimate BatchNorm statistics")
    p.add_argument("--plain-checkpoint", type=Path,
                   help="plain network's weights: loaded if the file exists (its training skipped), else saved there")
    p.add_argument("--checkpoint", type=Path, help="Basic weights: loaded if the file exists (training skipped), else saved there")
    p.add_argument("--views-cache", type=Path, help="13-view Basic outputs: loaded if the file exists, else saved there")
    p.add_argument("--head-epochs", type=int, default=200)
    p.add_argument("--head-cases", type=int, default=1000, help="training cases whose 13 views train the head")
    options.add_run(p, seed=20261123, references=4)
    return p.parse_args(argv)


# ---------------------------------------------------------------------------------------------
# Basic


def train_stage(args, train: data.Split, validation: data.Split, net: GroupedNet, epochs: int, lr: float,
                stage: str) -> tuple[GroupedNet, dict]:
    """Trains ``net`` for ``epochs`` (one-cycle schedule peaking at ``lr``), re-estimating BatchNorm
    after each, and keeps the epoch with the best validation macro-F1."""
    fitted = loop.train_epochs(
        net, train_size=len(train), batch=args.batch, epochs=epochs, lr=lr, seed=args.seed,
        batch_loss=basic.batch_loss(train, args.tile_share, args.localisation),
        validate=lambda n: metrics.macro_f1(basic.logits(n, validation).argmax(1), validation.labels),
        after_epoch=lambda n: basic.recalibrate_batchnorm(n, train, batch=args.batch, tile_share=args.tile_share,
                                                          seed=args.seed, batches=args.bn_batches),
        stage=stage)
    return net, {"seconds": round(fitted.seconds, 1), "epochs": epochs, "bestEpoch": fitted.best_epoch,
                 "batch": args.batch, "learningRate": lr, "tileShare": args.tile_share,
                 "localisationWeight": args.localisation, "validationMacroF1": fitted.best_macro_f1}


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
        net, training = train_stage(args, train, validation, basic.new_plain_net(args.seed), args.epochs, args.lr, "plain")
        return net.state_dict(), training

    def finer():
        plain_weights, plain_training = cached(args.plain_checkpoint, plain)
        net = GroupedNet()
        net.load_plain_weights(plain_weights)
        net, training = train_stage(args, train, validation, net, args.finer_epochs, args.finer_lr, "finer")
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
# References


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


PREMIUM_PREPROCESSING = {**basic.PREPROCESSING, "inputName": "views",
                         "views": {"canvasWidth": data.CANVAS_WIDTH, "canvasHeight": data.CANVAS_HEIGHT,
                                   "tile": data.TILE, "rows": data.TILE_ROWS, "columns": data.TILE_COLS,
                                   "order": "whole image, then tiles row by row"}}


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    created_at = args.created_at or cards.now()
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
    basic_t, basic_metrics = calibrating.calibrate(lambda split: basic.logits(net, split), calibration, tests)
    log(f"basic: temperature {basic_t:.3f}; " + calibrating.summary(basic_metrics))

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
    premium_metrics = {site: calibrating.report(head_logits[site], split, premium_t) for site, split in tests.items()}
    log(f"premium: temperature {premium_t:.3f}; " + calibrating.summary(premium_metrics))

    references = cards.choose_references(test_a, args.references)
    images = cards.write_reference_images(test_a, args.holdout or args.data, references, args.out / "reference-images")
    manifest = cards.training_data_manifest(args)

    basic_dir = args.out / "thyroideffi-basic"
    basic_dir.mkdir(parents=True, exist_ok=True)
    export_onnx(ExportWrapper(net).eval(), basic_dir / "model.onnx")
    verify_onnx(basic_dir / "model.onnx")
    write_json(basic_dir / "model-card.json", cards.model_card(
        args, name="thyroideffi-basic", variant="BASIC", architecture=BASIC_ARCHITECTURE,
        onnx_path=basic_dir / "model.onnx", preprocessing=basic.PREPROCESSING, outputs=cards.OUTPUTS,
        temperature=basic_t, n_val=len(calibration), training=basic_training, metric_sets=basic_metrics,
        manifest=manifest, created_at=created_at))
    write_json(basic_dir / "reference.json", cards.references_file(
        "thyroideffi-basic", basic_t, cards.reference_cases(net, data.whole_view, test_a, references, images, basic_t)))

    premium_dir = args.out / "thyroideffi-premium"
    premium_dir.mkdir(parents=True, exist_ok=True)
    export_premium(PremiumExport(net, head).eval(), premium_dir / "model.onnx")
    write_json(premium_dir / "model-card.json", cards.model_card(
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
    write_json(premium_dir / "reference.json", cards.references_file(
        "thyroideffi-premium", premium_t, premium_references(net, head, test_a, references, images, premium_t)))
    log(f"wrote {basic_dir} and {premium_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
