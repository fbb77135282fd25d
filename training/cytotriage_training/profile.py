"""When a model must not answer, and how sure its answer is: fits a model directory's
assessability profile (limits of the image measures, distribution of the pooled features and the
out-of-distribution threshold) and its class-conditional conformal thresholds, from what the Java
runtime computed on the model's own data (training's `ProfileCommand`: rows.json + features.f32),
and reports both on the test splits in the model card. NOT FOR CLINICAL USE: synthetic data only.

    python3 -B -m cytotriage_training.profile --models DIR --dumps DIR [--site DATASET=SITE ...] NAME...
    python3 -B -m cytotriage_training.profile --model DIR [--model DIR ...] --dumps DIR [--site DATASET=SITE ...]

``--models`` names model directories by folder and model name; ``--model`` gives a directory itself
(a candidate's is named by its version). Either way the dump is ``DUMPS/<the card's name>``, where
ProfileCommand wrote it. Every dataset but ``train`` is reported on, whatever its split (a
retraining dataset's ``heldout``, a synthetic dataset's ``test``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
from pathlib import Path

import numpy as np

from .data import GROUPS

PROFILE_FILE = "assessability.json"
MEASURES = ["coverage", "contrast", "focus", "chroma", "redness", "blueness"]
# Measures that are differences of colour channels, of either sign: their limits widen additively.
SIGNED = {"redness", "blueness"}
# The share of a signed measure's training range added beyond each end.
SIGNED_MARGIN = 0.25
COMPONENTS = 64
# Components whose variance is below this share of the first carry no spread of the training images
# (a few images in many dimensions, or a barely trained network): dividing by it would make rounding
# the score.
RELATIVE_VARIANCE_FLOOR = 1e-6
# Share of validation images the out-of-distribution threshold lets through; the issue asks for at
# least 99 % of in-distribution images, the half point above leaves room for the test split.
PASS_QUANTILE = 0.995
# Each measure's limits: the training images' range, its lowest value divided and its highest
# multiplied by this (every measure is a non-negative scale: a blank frame's coverage is 0).
MEASURE_MARGIN = 1.25
CONFORMAL_LEVELS = (0.80, 0.90, 0.95)
# Below this a measure's logarithm is taken at this value (a blank frame's coverage is 0); audit-service uses the same.
LOG_FLOOR = 1e-6


def load_dump(dump: Path) -> tuple[list[dict], np.ndarray]:
    rows = json.loads((dump / "rows.json").read_text())
    features = np.fromfile(dump / "features.f32", dtype="<f4").reshape(len(rows), -1).astype(np.float64)
    return rows, features


def softmax(logits: np.ndarray, temperature: float) -> np.ndarray:
    z = logits / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


# ---------------------------------------------------------------- out-of-distribution score

def fit_features(train: np.ndarray, components: int = COMPONENTS) -> dict:
    """Mean, leading principal components and their variances, and the mean squared residual."""
    mean = train.mean(axis=0)
    centred = train - mean
    # At most half as many components as training images: with n - 1 of them every training image lies
    # in their span and its residual is rounding, which would set the residual's scale.
    k = max(1, min(components, len(train) // 2, train.shape[1]))
    _, singular, vt = np.linalg.svd(centred, full_matrices=False)
    variances = singular[:k] ** 2 / (len(train) - 1)
    k = int((variances > RELATIVE_VARIANCE_FLOOR * variances[0]).sum()) if variances[0] > 0 else 1
    variances = np.maximum(variances[:k], np.finfo(float).tiny)
    fitted = {"mean": mean, "components": vt[:k], "variances": variances, "residualScale": 1.0}
    fitted["residualScale"] = max(float(residuals(fitted, train).mean()), np.finfo(float).tiny)
    return fitted


def residuals(fitted: dict, features: np.ndarray) -> np.ndarray:
    centred = features - fitted["mean"]
    projections = centred @ fitted["components"].T
    return np.maximum(0.0, (centred ** 2).sum(axis=1) - (projections ** 2).sum(axis=1))


def scores(fitted: dict, features: np.ndarray) -> np.ndarray:
    """(Mahalanobis^2 in the components / k + residual^2 / its training mean) / 2: about 1 in distribution.
    The Java runtime (AssessabilityProfile.outOfDistribution) computes the same."""
    centred = features - fitted["mean"]
    projections = centred @ fitted["components"].T
    mahalanobis = (projections ** 2 / fitted["variances"]).sum(axis=1) / len(fitted["variances"])
    return (mahalanobis + residuals(fitted, features) / fitted["residualScale"]) / 2


def measure_limits(rows: list[dict]) -> dict:
    limits = {}
    for name in MEASURES:
        values = np.array([r[name] for r in rows])
        low, high = float(values.min()), float(values.max())
        if name in SIGNED:
            limits[name.upper()] = {"min": low - SIGNED_MARGIN * (high - low), "max": high + SIGNED_MARGIN * (high - low)}
        else:
            limits[name.upper()] = {"min": low / MEASURE_MARGIN, "max": high * MEASURE_MARGIN}
    return limits


def measure_distribution(rows: list[dict]) -> dict:
    """Mean and standard deviation of each measure's logarithm on the training images: what a week of
    a hospital's images is compared with (audit-service's ShiftMonitor, a standardised mean difference)."""
    distribution = {}
    for name in [m for m in MEASURES if m not in SIGNED]:
        logs = np.log(np.maximum(np.array([r[name] for r in rows]), LOG_FLOOR))
        distribution[name.upper()] = {"logMean": float(logs.mean()), "logSd": float(logs.std(ddof=1))}
    return distribution


def within_limits(limits: dict, rows: list[dict]) -> np.ndarray:
    return np.array([all(limits[m.upper()]["min"] <= r[m] <= limits[m.upper()]["max"] for m in MEASURES) for r in rows])


def order_statistic(values: np.ndarray, share: float) -> float:
    """The smallest value that at least `share` of `values` do not exceed."""
    ordered = np.sort(values)
    return float(ordered[min(len(ordered), math.ceil(share * len(ordered))) - 1])


# ---------------------------------------------------------------- conformal prediction

def conformal_thresholds(probabilities: np.ndarray, truth: np.ndarray, coverage: float) -> list[float]:
    """Class-conditional split conformal: per class, the ceil((n+1) coverage)-th smallest score
    1 - p(true class) among its calibration images (1.0, always in the set, when n is too small)."""
    thresholds = []
    for c in range(len(GROUPS)):
        scores_c = np.sort(1.0 - probabilities[truth == c, c])
        rank = math.ceil((len(scores_c) + 1) * coverage)
        thresholds.append(1.0 if rank > len(scores_c) else float(scores_c[rank - 1]))
    return thresholds


def prediction_sets(probabilities: np.ndarray, thresholds: list[float]) -> np.ndarray:
    return (1.0 - probabilities) <= np.asarray(thresholds)[None, :]


def conformal_report(probabilities: np.ndarray, truth: np.ndarray, thresholds: list[float], coverage: float) -> dict:
    sets = prediction_sets(probabilities, thresholds)
    covered = sets[np.arange(len(truth)), truth]
    sizes = sets.sum(axis=1)
    return {
        "targetCoverage": coverage,
        "cases": int(len(truth)),
        "coverage": float(covered.mean()),
        "coveragePerClass": {g: (float(covered[truth == c].mean()) if (truth == c).any() else None)
                             for c, g in enumerate(GROUPS)},
        "meanSetSize": float(sizes.mean()),
        "singletons": float((sizes == 1).mean()),
        "empty": float((sizes == 0).mean()),
    }


# ---------------------------------------------------------------- the model directory

def fit(rows: list[dict], features: np.ndarray, temperature: float, fit_dataset: str = "train") -> tuple[dict, dict, dict]:
    """The profile, the conformal block of the card's calibration and each test set's report."""
    index = {name: np.array([r["dataset"] == d and r["split"] == s for r in rows])
             for name, (d, s) in {"train": (fit_dataset, "train"), "val": (fit_dataset, "val")}.items()}
    train_rows = [r for r, keep in zip(rows, index["train"]) if keep]
    val_rows = [r for r, keep in zip(rows, index["val"]) if keep]
    fitted = fit_features(features[index["train"]])
    limits = measure_limits(train_rows)
    val_scores = scores(fitted, features[index["val"]])
    val_in_limits = within_limits(limits, val_rows)
    threshold = order_statistic(val_scores[val_in_limits], PASS_QUANTILE) if val_in_limits.any() else float(val_scores.max())
    passed = float((val_in_limits & (val_scores <= threshold)).mean())
    profile = {
        "label": "NOT FOR CLINICAL USE",
        "method": "image measures within the training images' range (its ends divided and multiplied by %.2f), and an out-of-distribution "
                  "score of the pooled whole-image features: (Mahalanobis^2 in the %d leading principal components / k "
                  "+ residual^2 / its training mean) / 2, threshold at the validation split's %.1f %% quantile"
                  % (MEASURE_MARGIN, len(fitted["variances"]), 100 * PASS_QUANTILE),
        "measures": limits,
        "features": {
            "view": 0,
            "mean": [float(v) for v in fitted["mean"]],
            "components": [[float(v) for v in row] for row in fitted["components"]],
            "variances": [float(v) for v in fitted["variances"]],
            "residualScale": fitted["residualScale"],
            "threshold": threshold,
        },
        "fitted": {"trainImages": int(index["train"].sum()), "validationImages": int(index["val"].sum()),
                   "validationAssessed": passed},
    }
    truth = np.array([GROUPS.index(r["group"]) for r in rows])
    probabilities = softmax(np.array([r["logits"] for r in rows], dtype=np.float64), temperature)
    levels = {"%.2f" % level: conformal_thresholds(probabilities[index["val"]], truth[index["val"]], level)
              for level in CONFORMAL_LEVELS}
    conformal = {"method": "class-conditional split conformal, score 1 - p(class), on the validation split "
                           "(n=%d); a group is in the set when 1 - p <= its threshold" % int(index["val"].sum()),
                 "levels": levels}
    reports = {}
    all_scores = scores(fitted, features)
    assessed = within_limits(limits, rows) & (all_scores <= threshold)
    for dataset in sorted({r["dataset"] for r in rows} - {fit_dataset}):
        test = np.array([r["dataset"] == dataset for r in rows])
        if test.any():
            reports[dataset] = {
                "assessed": float(assessed[test].mean()),
                "meanOutOfDistribution": float(all_scores[test].mean()),
                "conformal": conformal_report(probabilities[test], truth[test], levels["0.90"], 0.90),
            }
    return profile, conformal, {"reports": reports, "scores": all_scores, "assessed": assessed}


def write(model: Path, dump: Path, site_names: dict[str, str]) -> dict:
    card_path = model / "model-card.json"
    card = json.loads(card_path.read_text())
    rows, features = load_dump(dump)
    profile, conformal, results = fit(rows, features, card["calibration"]["temperature"])
    text = json.dumps(profile, indent=1) + "\n"
    (model / PROFILE_FILE).write_text(text)
    card["assessability"] = {"file": PROFILE_FILE, "sha256": hashlib.sha256(text.encode()).hexdigest(),
                             "method": profile["method"], "fitted": profile["fitted"],
                             "trainingMeasures": measure_distribution([r for r in rows if r["dataset"] == "train" and r["split"] == "train"])}
    card["calibration"]["conformal"] = conformal
    for dataset, report in results["reports"].items():
        site = site_names.get(dataset, dataset)
        card.setdefault("metrics", {}).setdefault(site, {})["assessability"] = {
            "assessed": report["assessed"], "meanOutOfDistribution": report["meanOutOfDistribution"]}
        card["metrics"][site]["conformal"] = report["conformal"]
    card_path.write_text(json.dumps(card, indent=2) + "\n")
    # For the Java parity check (TrainingSmokeTest): the score and verdict numpy gave each image.
    (dump / "scores.json").write_text(json.dumps([
        {"dataset": r["dataset"], "file": r["file"], "outOfDistribution": float(s), "assessed": bool(a)}
        for r, s, a in zip(rows, results["scores"], results["assessed"])]))
    return results["reports"]


def model_directories(args: argparse.Namespace) -> list[Path]:
    if bool(args.model) == bool(args.models):
        raise SystemExit("profile: give either --model DIR ... or --models ROOT NAME ...")
    if args.models and not args.names:
        raise SystemExit("profile: --models needs the model names")
    return list(args.model) if args.model else [args.models / name for name in args.names]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=Path, help="folder of the model directories to complete (with NAME...)")
    parser.add_argument("--model", type=Path, action="append", default=[], help="a model directory to complete")
    parser.add_argument("--dumps", type=Path, required=True, help="ProfileCommand's output folder (one folder per model name)")
    parser.add_argument("--site", action="append", default=[], metavar="DATASET=SITE",
                        help="card metrics key of a test dataset, e.g. holdout-a=siteA")
    parser.add_argument("names", nargs="*", help="model names, with --models")
    args = parser.parse_args(argv)
    sites = dict(s.split("=", 1) for s in args.site)
    for model in model_directories(args):
        name = json.loads((model / "model-card.json").read_text())["name"]
        reports = write(model, args.dumps / name, sites)
        print(model, json.dumps(reports, indent=1))


if __name__ == "__main__":
    main()
