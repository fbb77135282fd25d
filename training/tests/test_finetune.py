"""cytotriage_training.finetune end to end on a tiny parent (a random Basic network exported as the
shipped models are) and a retraining dataset of a few small images: the progress file, the epoch-0
rule, the candidate directory, and the refusals."""

import csv
import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from cytotriage_training import basic, calibration, cards, data, finetune, reconstruct
from cytotriage_training.export import ExportWrapper, GroupedNet, export_onnx, sha256_of

# (split, bethesda, group): hospital cases, without generator seed or lesion mask.
CASES = [("train", "II", "BENIGN"), ("train", "IV", "INDETERMINATE"), ("train", "VI", "MALIGNANT"),
         ("train", "", "INDETERMINATE"), ("val", "II", "BENIGN"), ("val", "VI", "MALIGNANT"),
         ("heldout", "V", "INDETERMINATE"), ("heldout", "II", "BENIGN")]


def write_dataset(directory: Path) -> Path:
    """Images of 64x48 and 80x60 px (not the 1024x768 canvas), JPEG and PNG."""
    rng = np.random.default_rng(0)
    (directory / "images").mkdir(parents=True)
    with (directory / "labels.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["file", "split", "bethesda", "group", "site", "seed", "mask"])
        for i, (split, bethesda, group) in enumerate(CASES):
            size = (64, 48) if i % 2 else (80, 60)
            name = f"images/case-{i}.{'png' if i % 3 else 'jpg'}"
            pixels = rng.integers(0, 255, size=(size[1], size[0], 3), dtype=np.uint8)
            Image.fromarray(pixels).save(directory / name)
            writer.writerow([name, split, bethesda, group, "hospital-1", "", ""])
    return directory


def write_parent(directory: Path, dataset: Path) -> Path:
    """A random Basic network exported with a card and one reference case, as cytotriage_training.train writes them."""
    net = GroupedNet(seed=5).eval()
    directory.mkdir(parents=True)
    export_onnx(ExportWrapper(net), directory / "model.onnx")
    split = data.load_split(dataset, "val")
    images = cards.write_reference_images(split, dataset, [0], directory / "refs", prefix="refs")
    cards.write_json(directory / "reference.json", cards.references_file(
        "thyroideffi-basic", 1.0, cards.reference_cases(net, data.whole_view, split, [0], images, 1.0)))
    cards.write_json(directory / "model-card.json", {
        "name": "thyroideffi-basic", "version": "9.9.9-test", "sha256": sha256_of(directory / "model.onnx"),
        "variant": "BASIC", "architecture": "torchvision efficientnet_b0, test", "classOrder": list(data.GROUPS),
        "preprocessing": basic.PREPROCESSING, "calibration": {"temperature": 1.0, "conformal": {"levels": {}}},
        "outputs": cards.OUTPUTS, "assessability": {"file": "assessability.json", "sha256": "0" * 64},
        "label": cards.NOTICE})
    return directory


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("finetune")
    dataset = write_dataset(root / "data")
    return root, dataset, write_parent(root / "parent", dataset)


@pytest.fixture(scope="module")
def kept_parent(world):
    """A fine-tune at learning rate 0: no epoch can beat the parent, so epoch 0 is kept."""
    root, dataset, parent = world
    (root / "lineage.json").write_text(json.dumps({"requestId": "r-7", "planId": "p-3"}))
    out = root / "candidates" / "9.9.10-candidate.ab12"
    status = finetune.main(["--parent", str(parent), "--data", str(dataset), "--out", str(out),
                            "--version", "9.9.10-candidate.ab12", "--epochs", "2", "--batch", "4", "--lr", "0",
                            "--lineage", str(root / "lineage.json"), "--progress", str(root / "progress.jsonl")])
    return status, out, root / "progress.jsonl"


def test_the_progress_file_says_each_stage_in_order_one_json_object_a_line(kept_parent):
    status, _, progress = kept_parent
    assert status == 0
    lines = [json.loads(line) for line in progress.read_text().splitlines()]
    assert lines[0] == {"stage": "preparing-data", "train": 4, "validation": 2, "heldOut": 2}
    for epoch, line in enumerate(lines[1:3], start=1):
        assert set(line) == {"stage", "epoch", "epochs", "loss", "validationMacroF1"}
        assert (line["stage"], line["epoch"], line["epochs"]) == ("training", epoch, 2)
        assert line["loss"] > 0 and 0 <= line["validationMacroF1"] <= 1
    assert lines[3] == {"stage": "exporting"}
    assert lines[4]["stage"] == "done" and lines[4]["bestEpoch"] == 0 and lines[4]["seconds"] > 0
    assert len(lines) == 5


def test_a_fine_tune_that_never_beats_the_parent_exports_the_parents_weights_and_says_so(kept_parent, world):
    _, out, _ = kept_parent
    card = json.loads((out / "model-card.json").read_text())
    assert card["training"]["bestEpoch"] == 0 and card["training"]["keptParentWeights"]
    assert "parent's weights" in card["training"]["note"]
    parent = reconstruct.load_onnx_weights(GroupedNet(), world[2] / "model.onnx", 224).state_dict()
    candidate = torch.load(out / "weights.pt")
    for key, value in parent.items():
        assert torch.equal(candidate[key], value), key


def test_the_candidate_directory_is_self_contained_and_its_card_names_parent_weights_and_lineage(kept_parent, world):
    _, out, _ = kept_parent
    card = json.loads((out / "model-card.json").read_text())
    parent = json.loads((world[2] / "model-card.json").read_text())
    assert card["version"] == "9.9.10-candidate.ab12" and card["sha256"] == sha256_of(out / "model.onnx")
    assert card["weights"] == {"file": "weights.pt", "sha256": sha256_of(out / "weights.pt")}
    assert card["training"]["mode"] == "fine-tune" and card["training"]["frozenBatchNorm"] is True
    assert card["training"]["parent"] == {"name": parent["name"], "version": parent["version"], "sha256": parent["sha256"]}
    assert card["lineage"] == {"requestId": "r-7", "planId": "p-3", "parent": card["training"]["parent"]}
    assert card["label"] == "NOT FOR CLINICAL USE" and card["metrics"]["heldOut"]["cases"] == 2
    # The parent's profile and conformal thresholds describe another network: profile fits new ones.
    assert "assessability" not in card and "conformal" not in card["calibration"]
    assert not (out / "assessability.json").exists()
    references = json.loads((out / "reference.json").read_text())["cases"]
    assert len(references) == 2
    for case in references:
        assert case["png"].startswith("references/") and (out / case["png"]).is_file()


def test_a_premium_parent_is_refused_with_exit_status_2(world, tmp_path, capsys):
    card = json.loads((world[2] / "model-card.json").read_text())
    premium = tmp_path / "premium"
    premium.mkdir()
    (premium / "model-card.json").write_text(json.dumps({**card, "name": "thyroideffi-premium", "variant": "PREMIUM"}))
    status = finetune.main(["--parent", str(premium), "--data", str(world[1]), "--out", str(tmp_path / "out"),
                            "--version", "x"])
    assert status == 2
    assert "Premium" in capsys.readouterr().err


def test_starting_weights_that_miss_the_parents_reference_logits_stop_the_run(world, tmp_path, capsys):
    _, dataset, parent = world
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("model.onnx", "model-card.json"):
        (broken / name).write_bytes((parent / name).read_bytes())
    reference = json.loads((parent / "reference.json").read_text())
    reference["cases"][0]["logits"][0] += 0.01
    reference["cases"][0]["png"] = str((parent / reference["cases"][0]["png"]).resolve())
    (broken / "reference.json").write_text(json.dumps(reference))
    status = finetune.main(["--parent", str(broken), "--data", str(dataset), "--out", str(tmp_path / "out"),
                            "--version", "x"])
    assert status == 1
    assert "do not reproduce" in capsys.readouterr().err


def validation_split(n: int) -> data.Split:
    """n validation images, Bethesda II and VI in turn (only the labels matter to the refit)."""
    kinds = [("II", 0), ("VI", 2)]
    cases = [data.Case(f"c{i}.png", "val", *kinds[i % 2], "hospital-1", None, "") for i in range(n)]
    return data.Split(cases, torch.zeros(n, 3, 1, 1, dtype=torch.uint8), torch.zeros(n, 12), torch.zeros(n, 13, 14, 14))


def logits_with_errors(n: int, errors: int) -> torch.Tensor:
    """Confident logits for validation_split(n), the first ``errors`` of them on the wrong class."""
    right = torch.tensor([[3.0, 0, 0], [0, 0, 3.0]])
    wrong = torch.tensor([[0, 0, 3.0], [3.0, 0, 0]])
    return torch.stack([(wrong if i < errors else right)[i % 2] for i in range(n)])


PARENT = {"calibration": {"temperature": 0.9}}


def test_a_validation_split_with_errors_and_enough_images_gets_its_own_temperature():
    n = finetune.MIN_CALIBRATION_IMAGES
    temperature, method = finetune.refit_temperature(logits_with_errors(n, 5), validation_split(n), PARENT)
    assert temperature != 0.9 and method.startswith("temperature scaling")


def test_a_validation_split_classified_without_error_keeps_the_parents_temperature():
    n = finetune.MIN_CALIBRATION_IMAGES
    temperature, method = finetune.refit_temperature(logits_with_errors(n, 0), validation_split(n), PARENT)
    assert temperature == 0.9 and "without error" in method


def test_a_validation_split_too_small_to_fit_keeps_the_parents_temperature_even_with_errors():
    n = finetune.MIN_CALIBRATION_IMAGES - 1
    temperature, method = finetune.refit_temperature(logits_with_errors(n, 5), validation_split(n), PARENT)
    assert temperature == 0.9 and "smaller than" in method


SHIPPED_CARD = Path(__file__).resolve().parents[2] / "models" / "thyroideffi-basic" / "model-card.json"


@pytest.fixture(scope="module")
def reported(world):
    """A fine-tune that also reports on a second dataset (every row) and on the retraining dataset's held-out split."""
    root, dataset, parent = world
    other = write_dataset(root / "reference-set")
    out = root / "candidates" / "reported"
    status = finetune.main(["--parent", str(parent), "--data", str(dataset), "--out", str(out), "--version", "9.9.11",
                            "--epochs", "1", "--batch", "4", "--lr", "1e-3", "--report", f"siteA={other}",
                            "--report", f"again={dataset}:heldout"])
    return status, out, other


def test_report_puts_the_candidates_metrics_on_each_named_dataset_where_the_shipped_cards_have_them(reported):
    status, out, other = reported
    assert status == 0
    card = json.loads((out / "model-card.json").read_text())
    site = card["metrics"]["siteA"]
    # The shipped card's block, less what profile adds later (assessability, conformal): audit-service's DriftReference reads it.
    shipped = json.loads(SHIPPED_CARD.read_text())["metrics"]["siteA"]
    assert set(site) == set(shipped) - {"assessability", "conformal"}
    assert set(site["predictionDistribution"]) == set(shipped["predictionDistribution"])
    assert site["cases"] == len(CASES) and sum(site["predictionDistribution"]["predictedMix"].values()) == pytest.approx(1)
    # The exported weights with the refitted temperature, on every row of the other dataset.
    net = GroupedNet()
    net.load_state_dict(torch.load(out / "weights.pt"))
    split = data.load_split(other, None)
    expected = calibration.report(basic.logits(net.eval(), split), split, card["calibration"]["temperature"])
    assert site["macroF1"] == pytest.approx(expected["macroF1"]) and site["confusion"] == expected["confusion"]
    for key in ("predictedMix", "confidenceShares"):
        assert site["predictionDistribution"][key] == pytest.approx(expected["predictionDistribution"][key])
    # NAME=DIR:SPLIT takes that split only: the held-out split again gives metrics.heldOut.
    assert card["metrics"]["again"] == card["metrics"]["heldOut"]


def test_a_report_without_cases_or_named_heldOut_stops_the_run_before_training(world, tmp_path, capsys):
    _, dataset, parent = world
    for report in (f"siteA={dataset}:test", f"heldOut={dataset}"):
        out = tmp_path / report.split("=")[0]
        status = finetune.main(["--parent", str(parent), "--data", str(dataset), "--out", str(out), "--version", "x",
                                "--report", report])
        assert status == 1 and not out.exists()
    err = capsys.readouterr().err
    assert "no test cases" in err and "not heldOut" in err


def test_report_requests_parse_name_directory_and_optional_split():
    assert finetune.report_request("siteA=/data/ref") == finetune.ReportRequest("siteA", Path("/data/ref"), None)
    assert finetune.report_request("siteB=/data/b:test") == finetune.ReportRequest("siteB", Path("/data/b"), "test")
    assert finetune.report_request("x=/odd:dir/ref") == finetune.ReportRequest("x", Path("/odd:dir/ref"), None)
    with pytest.raises(Exception):
        finetune.report_request("/data/ref")


def test_an_epoch_that_flags_fewer_validation_bethesda_v_smears_than_the_parent_is_refused_whatever_its_macro_f1():
    benign, indeterminate = data.GROUPS.index("BENIGN"), data.GROUPS.index("INDETERMINATE")
    truths = [("V", indeterminate), ("V", indeterminate), ("II", benign), ("II", benign)]
    cases = [data.Case(f"c{i}.png", "val", b, g, "B", None, "") for i, (b, g) in enumerate(truths)]
    validation = data.Split(cases, torch.zeros(4, 3, 1, 1, dtype=torch.uint8), torch.zeros(4, 12), torch.zeros(4, 13, 1, 1))
    # The "network" is the predicted groups themselves: logits with a 1 at each predicted group.
    architecture = dataclasses.replace(finetune.ARCHITECTURES["torchvision efficientnet_b0"],
                                       logits=lambda predicted, split: torch.nn.functional.one_hot(predicted, 3).float())
    parent = finetune.validator(architecture, validation)(torch.tensor([indeterminate, benign, indeterminate, indeterminate]))
    validate = finetune.validator(architecture, validation, parent)
    # Both benign smears right (a better macro-F1 than the parent's), but the Bethesda V smear the parent flagged called benign.
    missed = validate(torch.tensor([benign, benign, benign, benign]))
    kept = validate(torch.tensor([indeterminate, indeterminate, benign, benign]))
    assert parent.figures[finetune.V_FLAGGED] == 0.5 and missed.figures[finetune.V_FLAGGED] == 0.0
    assert missed.macro_f1 > parent.macro_f1
    assert missed.refusal == "flags 0.000 of the validation Bethesda V smears not benign, the parent 0.500"
    assert kept.refusal is None and kept.figures[finetune.V_FLAGGED] == 1.0
