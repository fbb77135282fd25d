"""Fine-tunes a live single-view model into a candidate on a retraining dataset. NOT FOR CLINICAL USE.

    cd training && /usr/bin/python3 -B -m cytotriage_training.finetune --parent DIR --data DIR --out DIR --version V
        [--epochs 3] [--batch 16] [--lr 3e-4] [--tile-share 0.4] [--localisation 0.5] [--seed 20261207]
        [--threads 2] [--limit N] [--references 2] [--lineage FILE.json] [--progress FILE.jsonl]
        [--heldout-split heldout] [--report NAME=DIR[:SPLIT] ...]

``--parent`` is a model directory (model.onnx, model-card.json, reference.json): Basic
(thyroideffi-basic) or the MobileNetV2 variant; Premium (13 views) is refused with exit status 2.
The starting weights are the parent's ``weights.pt`` when its card lists it (sha256 checked), else
the network rebuilt from model.onnx (``reconstruct``), which must reproduce the parent's reference
logits within 1e-4 before anything is trained.

``--data`` holds labels.csv (file,split,bethesda,group,site,seed,mask; splits train, val and
heldout; seed and mask may be empty) and the images it names. BatchNorm stays in eval mode (frozen
statistics); AdamW with a one-cycle learning rate peaking at ``--lr``; the losses of cytotriage_training.train's
Basic stage (tiles and the localisation loss only where a mask exists). Epoch 0 is the parent: the
epoch with the best validation macro-F1 is kept, the parent's weights when no epoch beats them.
The temperature is refitted on the validation split; the held-out split gives the card's metrics.
Each ``--report NAME=DIR[:SPLIT]`` measures the exported candidate (refitted temperature) on another
dataset's split (every row without SPLIT) into ``metrics.NAME``, the block the shipped cards have per
test site: ``--report siteA=REFERENCE`` gives a released candidate the drift reference audit-service
reads from ``metrics.siteA``.

Writes into ``--out`` (created; must be absent or empty): model.onnx (the parent's interface),
weights.pt (the state_dict a later fine-tune starts from), reference.json with its images under
references/, and model-card.json (no assessability profile yet: ``profile`` fits it next).
``--progress`` receives one JSON object per line: preparing-data, training (per epoch), exporting, done.
Errors: a message on stderr and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import sys
import time
from pathlib import Path
from typing import Callable

import onnx
import torch
from torch import nn

from . import basic, calibration as calibrating, cards, data, loop, metrics, options, reconstruct, variant
from .cards import NOTICE, read_json, write_json
from .export import FEATURE_SHAPE, ExportWrapper, GroupedNet, export_onnx, sha256_of, verify_onnx
from .loop import log

REFUSED = 2
PARITY_TOLERANCE = 1e-4
WEIGHTS_FILE = "weights.pt"
REFERENCES_DIR = "references"
HELD_OUT = "heldOut"  # the card's metrics key of the retraining dataset's held-out split
# perEpoch key: the share of the validation Bethesda V smears not predicted Benign (the gate's "Bethesda V recall")
V_FLAGGED = "validationBethesdaVFlagged"
# A temperature fitted on a handful of images swings with one of them: one error among two validation
# images gave the end-to-end test's candidate a temperature that worsened its calibration error by 0.026
# while its weights had hardly moved. Below this many the parent's temperature is kept.
MIN_CALIBRATION_IMAGES = 50
SCHEDULE = f"AdamW (weight decay {loop.WEIGHT_DECAY}), one-cycle learning rate, {loop.WARM_UP:.0%} warm-up"


class Refused(Exception):
    """A request this command does not serve (exit status 2), as opposed to a failure (1)."""


@dataclasses.dataclass(frozen=True)
class Architecture:
    """What fine-tuning needs to know about a kind of single-view network."""
    build: Callable[[], nn.Module]
    size: int
    view: Callable[[torch.Tensor], torch.Tensor]
    logits: Callable[[nn.Module, data.Split], torch.Tensor]
    batch_loss: Callable[[data.Split, argparse.Namespace], loop.BatchLoss]
    feature_shape: Callable[[nn.Module], tuple]


# By the start of the card's "architecture", as the train and train_variant entry points write it.
ARCHITECTURES = {
    "torchvision efficientnet_b0": Architecture(
        build=GroupedNet, size=224, view=data.whole_view, logits=basic.logits,
        batch_loss=lambda split, args: basic.batch_loss(split, args.tile_share, args.localisation, args.bethesda_v_weight),
        feature_shape=lambda net: FEATURE_SHAPE),
    "torchvision mobilenet_v2": Architecture(
        build=lambda: variant.new_net(zero_head=False), size=variant.SIZE, view=variant.view, logits=variant.logits,
        batch_loss=lambda split, args: variant.batch_loss(split, args.bethesda_v_weight), feature_shape=variant.feature_shape),
}


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = options.parser(__doc__)
    p.add_argument("--parent", type=Path, required=True, help="the live model's directory")
    p.add_argument("--data", type=Path, required=True, help="retraining dataset (labels.csv and its images)")
    p.add_argument("--out", type=Path, required=True, help="the candidate's directory (absent or empty)")
    p.add_argument("--version", required=True, help="the candidate's version")
    options.add_schedule(p, epochs=3, batch=16, lr=3e-4)
    options.add_basic_losses(p)
    p.add_argument("--bethesda-v-weight", type=float, default=1.0,
                   help="weight of a Bethesda V case in the cross-entropy (data.bethesda_v_weights)")
    options.add_run(p, seed=20261207, references=2)
    p.add_argument("--lineage", type=Path, help="JSON object copied into the card's lineage")
    p.add_argument("--progress", type=Path, help="JSON lines file of the run's stages, flushed per line")
    p.add_argument("--heldout-split", default="heldout", help="the split that measures the candidate")
    p.add_argument("--report", type=report_request, action="append", default=[], metavar="NAME=DIR[:SPLIT]",
                   help="also measure the candidate on DIR's SPLIT (default: every row) into the card's metrics.NAME, "
                        "e.g. siteA=REFERENCE_DIR (audit-service's drift reference); repeatable")
    return p.parse_args(argv)


@dataclasses.dataclass(frozen=True)
class ReportRequest:
    """``--report NAME=DIR[:SPLIT]``: metrics.NAME from the split (None: every row) of the dataset in DIR."""
    name: str
    directory: Path
    split: str | None


def report_request(value: str) -> ReportRequest:
    name, equals, rest = value.partition("=")
    if not equals or not name.strip() or not rest:
        raise argparse.ArgumentTypeError(f"{value!r} is not NAME=DIR[:SPLIT]")
    directory, colon, split = rest.rpartition(":")
    if not colon or not split or "/" in split:  # no split, or a colon inside the directory's path
        directory, split = rest, None
    return ReportRequest(name.strip(), Path(directory), split)


def check_reports(requests: list[ReportRequest]) -> None:
    """Before any training: distinct names other than heldOut, and each split has cases."""
    names = [r.name for r in requests]
    if HELD_OUT in names or len(set(names)) != len(names):
        raise ValueError(f"--report names must be distinct and not {HELD_OUT}: {names}")
    for r in requests:
        if not any(r.split is None or c.split == r.split for c in data.read_cases(r.directory)):
            raise ValueError(f"--report {r.name}: no {r.split + ' ' if r.split else ''}cases in {r.directory}")


class Progress:
    """One JSON object per line, flushed at once: the worker reads the file while the run goes on."""

    def __init__(self, path: Path | None) -> None:
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.file = path.open("w", encoding="utf-8") if path else None

    def __call__(self, stage: str, **fields) -> None:
        if self.file:
            self.file.write(json.dumps({"stage": stage, **fields}, separators=(",", ":")) + "\n")
            self.file.flush()

    def close(self) -> None:
        if self.file:
            self.file.close()


# ---------------------------------------------------------------------------------------------
# The parent


def architecture_of(card: dict) -> Architecture:
    if card.get("variant") == "PREMIUM" or (card.get("preprocessing") or {}).get("views"):
        raise Refused(f"{card.get('name')} {card.get('version')} is a multi-view (Premium) model; "
                      "only single-view models (Basic, the MobileNetV2 variant) can be fine-tuned")
    for prefix, architecture in ARCHITECTURES.items():
        if str(card.get("architecture", "")).startswith(prefix):
            return architecture
    raise Refused(f"{card.get('name')}: no fine-tuning for architecture {card.get('architecture')!r}")


def identity(card: dict) -> dict:
    return {"name": card["name"], "version": card["version"], "sha256": card["sha256"]}


def starting_weights(parent: Path, card: dict, architecture: Architecture) -> tuple[nn.Module, str]:
    """The parent's network and where its weights came from: weights.pt when the card lists it, else model.onnx."""
    onnx_path = parent / "model.onnx"
    if sha256_of(onnx_path) != card["sha256"]:
        raise ValueError(f"{onnx_path} does not have the sha256 its card names ({card['sha256']})")
    net = architecture.build()
    listed = card.get("weights")
    if listed:
        weights = parent / listed["file"]
        if sha256_of(weights) != listed["sha256"]:
            raise ValueError(f"{weights} does not have the sha256 its card names ({listed['sha256']})")
        net.load_state_dict(torch.load(weights))
        return net.eval(), listed["file"]
    reconstruct.load_onnx_weights(net, onnx_path, architecture.size)
    return net, "model.onnx (rebuilt, BatchNorm folded into the convolutions)"


@torch.no_grad()
def parity_error(net: nn.Module, parent: Path, architecture: Architecture) -> float:
    """Largest difference between the network's logits and the parent's reference logits."""
    references = read_json(parent / "reference.json")["cases"]
    if not references:
        raise ValueError(f"{parent / 'reference.json'} has no cases to check the starting weights against")
    net.eval()
    error = 0.0
    for case in references:
        pixels = data.decode_rgb(parent / case["png"])[None]
        logits = net(architecture.view(pixels))[0]
        error = max(error, float((logits - torch.tensor(case["logits"])).abs().max()))
    return error


# ---------------------------------------------------------------------------------------------
# Training


def train_with_frozen_batchnorm(net: nn.Module) -> None:
    """Training mode (dropout, stochastic depth) with every BatchNorm in eval mode: a few hundred
    cases cannot re-estimate statistics learnt on thousands, and a rebuilt parent has none to keep
    but the folded shift."""
    net.train()
    for module in net.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            module.eval()


def validator(architecture: Architecture, validation: data.Split,
              parent: loop.Validation | None = None) -> Callable[[nn.Module], loop.Validation]:
    """Scores an epoch on the validation split. Given the ``parent``'s own validation, an epoch that
    flags fewer of the Bethesda V smears not benign than the parent did is refused whatever its
    macro-F1: the gate refuses a candidate that misses more of them (plan criterion "Bethesda V
    recall not lower"), and selecting on macro-F1 alone kept an epoch that bought site B macro-F1 by
    calling Bethesda V smears benign (docs/models.md, Retraining)."""
    bethesda = [case.bethesda for case in validation.cases]
    floor = parent.figures.get(V_FLAGGED) if parent else None

    def validate(net: nn.Module) -> loop.Validation:
        predicted = architecture.logits(net, validation).argmax(1)
        flagged = metrics.flagged_not_benign(predicted, bethesda)
        refusal = (f"flags {flagged:.3f} of the validation Bethesda V smears not benign, the parent {floor:.3f}"
                   if floor is not None and flagged is not None and flagged < floor else None)
        return loop.Validation(metrics.macro_f1(predicted, validation.labels), refusal, {V_FLAGGED: flagged})
    return validate


def fine_tune(net: nn.Module, architecture: Architecture, train: data.Split, validation: data.Split,
              args: argparse.Namespace, progress: Progress, parent: loop.Validation) -> loop.Fitted:
    """``parent``: the parent's validation, epoch 0."""
    return loop.train_epochs(
        net, train_size=len(train), batch=args.batch, epochs=args.epochs, lr=args.lr, seed=args.seed,
        batch_loss=architecture.batch_loss(train, args), validate=validator(architecture, validation, parent),
        stage="fine-tune", train_mode=train_with_frozen_batchnorm, baseline=parent.macro_f1,
        on_epoch=lambda e: progress("training", epoch=e.epoch, epochs=args.epochs, loss=e.loss,
                                    validationMacroF1=e.validation_macro_f1))


# ---------------------------------------------------------------------------------------------
# The candidate


def interface(path: Path) -> dict:
    """What a consumer of the ONNX file relies on: opset, inputs and outputs with their shapes."""
    model = onnx.load(str(path), load_external_data=False)
    g = model.graph
    initializers = {t.name for t in g.initializer}
    shape = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]  # noqa: E731
    return {"opset": {o.domain: o.version for o in model.opset_import},
            "inputs": [(v.name, shape(v)) for v in g.input if v.name not in initializers],
            "outputs": [(v.name, shape(v)) for v in g.output]}


def export(net: nn.Module, architecture: Architecture, parent: Path, out: Path) -> None:
    path = out / "model.onnx"
    export_onnx(ExportWrapper(net).eval(), path, size=architecture.size)
    verify_onnx(path, size=architecture.size, feature_shape=architecture.feature_shape(net))
    if interface(path) != interface(parent / "model.onnx"):
        raise ValueError(f"the candidate's interface {interface(path)} differs from the parent's "
                         f"{interface(parent / 'model.onnx')}")
    torch.save(net.state_dict(), out / WEIGHTS_FILE)


def write_references(net, architecture: Architecture, split: data.Split, args, temperature: float, name: str) -> None:
    """Reference cases with their images inside the candidate's directory, which is signed as a whole."""
    indices = cards.choose_references(split, args.references)
    images = cards.write_reference_images(split, args.data, indices, args.out / REFERENCES_DIR, prefix=REFERENCES_DIR)
    write_json(args.out / "reference.json", cards.references_file(
        name, temperature, cards.reference_cases(net, architecture.view, split, indices, images, temperature)))


def refit_temperature(logits: torch.Tensor, validation: data.Split, parent_card: dict) -> tuple[float, str]:
    """The temperature minimising the validation NLL, and how it was found. The parent's temperature is
    kept when the validation split is too small to fit one (``MIN_CALIBRATION_IMAGES``), or when the
    network classifies it without error: its NLL then has no minimum (it keeps falling as the
    temperature goes to 0)."""
    parent = float(parent_card["calibration"]["temperature"])
    if len(validation) < MIN_CALIBRATION_IMAGES:
        return (parent, f"the parent's temperature: the retraining dataset's validation split (n={len(validation)}) "
                        f"is smaller than the {MIN_CALIBRATION_IMAGES} images a refit needs")
    if bool((logits.argmax(1) == validation.labels).all()):
        return (parent, f"the parent's temperature: the retraining dataset's validation split (n={len(validation)}) is "
                        "classified without error, so its NLL has no minimum")
    return (metrics.fit_temperature(logits, validation.labels),
            f"temperature scaling, NLL on the retraining dataset's validation split (n={len(validation)})")


def candidate_card(parent_card: dict, args, *, temperature: float, temperature_method: str, training: dict,
                   reports: dict, lineage: dict) -> dict:
    """The parent's card with the candidate's identity, training and metrics. Its assessability
    profile and conformal thresholds belong to the parent's network: ``profile`` fits new ones."""
    card = copy.deepcopy(parent_card)
    card.pop("assessability", None)
    card.update({
        "version": args.version,
        "sha256": sha256_of(args.out / "model.onnx"),
        "weights": {"file": WEIGHTS_FILE, "sha256": sha256_of(args.out / WEIGHTS_FILE)},
        "calibration": {"temperature": round(temperature, 6), "method": temperature_method},
        "trained": True,
        "training": training,
        "metrics": reports,
        "lineage": lineage,
        "notes": f"Fine-tuned from {parent_card['name']} {parent_card['version']} on a retraining dataset; "
                 "metrics.heldOut is its held-out split"
                 + "".join(f", metrics.{r.name} {r.directory.name}" + (f":{r.split}" if r.split else "")
                           for r in args.report) + ".",
        "intendedUse": f"{NOTICE}. Demonstration only.",
        "label": NOTICE,
        "createdAt": cards.now(),
    })
    return card


def training_block(args, parent_card: dict, fitted: loop.Fitted, *, parent: loop.Validation, started_from: str,
                   parity: float, counts: dict, seconds: float) -> dict:
    return {
        "mode": "fine-tune",
        "parent": identity(parent_card),
        "startedFrom": started_from,
        "parentParityError": parity,
        "epochs": args.epochs,
        "bestEpoch": fitted.best_epoch,
        "keptParentWeights": fitted.best_epoch == 0,
        **({"note": "no fine-tuned epoch beat the parent's validation macro-F1 without flagging fewer Bethesda V"
                    " smears not benign: the parent's weights are exported"}
           if fitted.best_epoch == 0 else {}),
        "parentValidationMacroF1": parent.macro_f1,
        "parentValidationBethesdaVFlagged": parent.figures.get(V_FLAGGED),
        "validationMacroF1": fitted.best_macro_f1,
        "learningRate": args.lr,
        "schedule": SCHEDULE,
        "batch": args.batch,
        "tileShare": args.tile_share,
        "localisationWeight": args.localisation,
        "bethesdaVWeight": args.bethesda_v_weight,
        "frozenBatchNorm": True,
        "seed": args.seed,
        "threads": args.threads,
        "seconds": round(seconds, 1),
        "perEpoch": [e.as_json() for e in fitted.epochs],
        "data": {"counts": counts},
    }


def read_lineage(path: Path | None, parent_card: dict) -> dict:
    lineage = read_json(path) if path else {}
    if not isinstance(lineage, dict):
        raise ValueError(f"{path} does not hold a JSON object")
    return {**lineage, "parent": identity(parent_card)}


def load_optional(directory: Path, split: str, limit: int | None) -> data.Split | None:
    if not any(c.split == split for c in data.read_cases(directory)):
        return None
    return data.load_split(directory, split, limit)


def prepare_out(out: Path) -> None:
    if out.exists() and any(out.iterdir()):
        raise Refused(f"{out} exists and is not empty")
    out.mkdir(parents=True, exist_ok=True)


def run(args: argparse.Namespace, progress: Progress) -> int:
    started = time.monotonic()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    parent_card = read_json(args.parent / "model-card.json")
    architecture = architecture_of(parent_card)
    check_reports(args.report)
    prepare_out(args.out)
    log(f"{NOTICE}: fine-tuning {parent_card['name']} {parent_card['version']} on {args.data}")

    net, started_from = starting_weights(args.parent, parent_card, architecture)
    parity = parity_error(net, args.parent, architecture)
    log(f"starting weights from {started_from}: reference logits within {parity:.2e}")
    if parity > PARITY_TOLERANCE:
        raise ValueError(f"the starting weights do not reproduce {args.parent / 'reference.json'}: logits differ by "
                         f"{parity:.3g} (at most {PARITY_TOLERANCE} allowed)")

    train = data.load_split(args.data, "train", args.limit)
    validation = data.load_split(args.data, "val", args.limit)
    heldout = load_optional(args.data, args.heldout_split, args.limit)
    counts = {"train": len(train), "validation": len(validation), "heldOut": len(heldout) if heldout else 0}
    progress("preparing-data", **counts)

    parent = validator(architecture, validation)(net)
    fitted = fine_tune(net, architecture, train, validation, args, progress, parent)

    progress("exporting")
    temperature, temperature_method = refit_temperature(architecture.logits(net, validation), validation, parent_card)
    reports = {HELD_OUT: calibrating.report(architecture.logits(net, heldout), heldout, temperature)} if heldout else {}
    for request in args.report:
        split = data.load_split(request.directory, request.split, args.limit)
        reports[request.name] = calibrating.report(architecture.logits(net, split), split, temperature)
        del split
    log(f"temperature {temperature:.3f}; " + calibrating.summary(reports))
    export(net, architecture, args.parent, args.out)
    write_references(net, architecture, heldout or validation, args, temperature, parent_card["name"])
    seconds = time.monotonic() - started
    training = training_block(args, parent_card, fitted, parent=parent, started_from=started_from,
                              parity=parity, counts=counts, seconds=seconds)
    write_json(args.out / "model-card.json", candidate_card(
        parent_card, args, temperature=temperature, temperature_method=temperature_method, training=training,
        reports=reports,
        lineage=read_lineage(args.lineage, parent_card)))
    progress("done", bestEpoch=fitted.best_epoch, seconds=round(time.monotonic() - started, 1))
    log(f"wrote {args.out} (kept epoch {fitted.best_epoch})")
    return 0


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    progress = Progress(args.progress)
    try:
        return run(args, progress)
    except Refused as e:
        print(f"finetune: refused: {e}", file=sys.stderr)
        return REFUSED
    except (ValueError, OSError, KeyError, reconstruct.ReconstructionError) as e:
        print(f"finetune: error: {e}", file=sys.stderr)
        return 1
    finally:
        progress.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
