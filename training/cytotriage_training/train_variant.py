"""Trains the second encoder, MobileNetV2 at 160x160 with ImageNet normalisation (``variant``), and exports it.

NOT FOR CLINICAL USE: synthetic data, demonstration model.

    cd training && /usr/bin/python3 -B -m cytotriage_training.train_variant --data DATA_A --site-b DATA_B --out models

Whole images only; temperature fitted on the validation split; the same outputs as Basic (logits,
features, class_activation_maps, here 1280x5x5). Writes ``OUT/mobilenetv2-160`` (model.onnx,
model-card.json, reference.json) and its reference images into ``OUT/reference-images``.
"""

from __future__ import annotations

import argparse
import sys

import torch

from . import calibration as calibrating, cards, data, loop, metrics, options, variant
from .cards import NOTICE, write_json
from .export import ExportWrapper, export_onnx, verify_onnx
from .loop import log


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = options.parser(__doc__)
    options.add_datasets(p)
    p.add_argument("--version", default="1.0.0-synthetic")
    options.add_schedule(p, epochs=8, batch=32, lr=2e-3)
    options.add_run(p, seed=20261123, references=4)
    return p.parse_args(argv)


def train(args, train_split: data.Split, validation: data.Split):
    net = variant.new_net(seed=args.seed)
    fitted = loop.train_epochs(
        net, train_size=len(train_split), batch=args.batch, epochs=args.epochs, lr=args.lr, seed=args.seed,
        batch_loss=variant.batch_loss(train_split),
        validate=lambda n: metrics.macro_f1(variant.logits(n, validation).argmax(1), validation.labels),
        after_epoch=lambda n: variant.recalibrate_batchnorm(n, train_split, args.batch),
        stage=variant.NAME)
    return net, {"seconds": round(fitted.seconds, 1), "epochs": args.epochs, "bestEpoch": fitted.best_epoch,
                 "batch": args.batch, "learningRate": args.lr, "validationMacroF1": fitted.best_macro_f1}


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    created_at = args.created_at or cards.now()
    log(f"{NOTICE}: training {variant.NAME} on synthetic data from {args.data}")
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
    temperature, reports = calibrating.calibrate(lambda split: variant.logits(net, split), calibration, tests)
    log(f"{variant.NAME}: temperature {temperature:.3f}; " + calibrating.summary(reports))

    out = args.out / variant.NAME
    out.mkdir(parents=True, exist_ok=True)
    features = variant.feature_shape(net)
    export_onnx(ExportWrapper(net).eval(), out / "model.onnx", size=variant.SIZE)
    verify_onnx(out / "model.onnx", size=variant.SIZE, feature_shape=features)
    write_json(out / "model-card.json", cards.model_card(
        args, name=variant.NAME, variant="BASIC", architecture=variant.ARCHITECTURE, onnx_path=out / "model.onnx",
        preprocessing=variant.PREPROCESSING, outputs=cards.OUTPUTS, temperature=temperature, n_val=len(calibration),
        training=training, metric_sets=reports, manifest=cards.training_data_manifest(args), created_at=created_at,
        gradcam_layer=f"features (last block, {'x'.join(map(str, features))})"))

    test = tests["siteA"]
    indices = cards.choose_references(test, args.references)
    images = cards.write_reference_images(test, test_source, indices, args.out / "reference-images")
    write_json(out / "reference.json", cards.references_file(
        variant.NAME, temperature, cards.reference_cases(net, variant.view, test, indices, images, temperature)))
    log(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
