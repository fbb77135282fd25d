"""cytotriage_training.metrics against scikit-learn, scipy and an independent numpy computation, and
the prediction distribution against what audit-service's DriftReference reads from a card."""

import json

import numpy as np
import pytest
import torch
from scipy import optimize, special
from sklearn import metrics as sk

from cytotriage_training import metrics
from cytotriage_training.data import GROUPS


def sample(seed: int, n: int = 400, sharpness: float = 2.0, overconfidence: float = 1.0):
    """Logits of an imperfect classifier and labels drawn from softmax(logits / overconfidence)."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(n, 3)) * sharpness
    p = special.softmax(logits / overconfidence, axis=1)
    truth = np.array([rng.choice(3, p=row) for row in p])
    return torch.tensor(logits, dtype=torch.float32), torch.tensor(truth)


def test_macro_f1_and_each_classs_precision_recall_and_f1_equal_scikit_learns():
    logits, truth = sample(1)
    predicted = logits.argmax(1)
    assert metrics.macro_f1(predicted, truth) == pytest.approx(sk.f1_score(truth, predicted, average="macro"))
    precision, recall, f1, support = sk.precision_recall_fscore_support(truth, predicted, labels=[0, 1, 2])
    for c, group in enumerate(GROUPS):
        ours = metrics.per_class(predicted, truth)[group]
        assert ours["precision"] == pytest.approx(precision[c])
        assert ours["recall"] == pytest.approx(recall[c])
        assert ours["f1"] == pytest.approx(f1[c])
        assert ours["support"] == support[c]


def test_a_class_never_predicted_scores_zero_as_scikit_learn_scores_it():
    truth = torch.tensor([0, 1, 2, 2, 1, 0])
    predicted = torch.tensor([0, 0, 2, 2, 0, 0])
    expected = sk.f1_score(truth, predicted, average="macro", zero_division=0)
    assert metrics.macro_f1(predicted, truth) == pytest.approx(expected)
    assert metrics.per_class(predicted, truth)["INDETERMINATE"]["precision"] == 0.0


def test_one_vs_rest_auc_equals_scikit_learns_with_ties_counted_half():
    logits, truth = sample(2)
    # One decimal makes many ties, which both count as half a correct ordering.
    scores = torch.round(logits.softmax(1) * 10) / 10
    for c in range(3):
        expected = sk.roc_auc_score((truth == c).numpy(), scores[:, c].numpy())
        assert metrics.auc_one_vs_rest(scores[:, c], truth == c) == pytest.approx(expected)


def test_auc_is_none_when_a_class_is_absent():
    assert metrics.auc_one_vs_rest(torch.tensor([0.2, 0.9]), torch.tensor([False, False])) is None


def numpy_ece(probabilities: np.ndarray, truth: np.ndarray, bins: int = 15) -> float:
    """Top-label ECE written independently: each image's bin is the (low, high] interval of width 1/bins."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == truth
    index = np.clip(np.ceil(confidence * bins).astype(int) - 1, 0, bins - 1)
    return sum(abs(correct[index == b].mean() - confidence[index == b].mean()) * (index == b).mean()
               for b in range(bins) if (index == b).any())


def test_expected_calibration_error_equals_an_independent_numpy_binning_over_15_bins():
    logits, truth = sample(3, n=2000, overconfidence=0.7)
    probabilities = logits.double().softmax(1)
    expected = numpy_ece(probabilities.numpy(), truth.numpy())
    assert metrics.expected_calibration_error(probabilities, truth) == pytest.approx(expected, abs=1e-9)


def test_the_fitted_temperature_minimises_the_negative_log_likelihood_as_scipy_finds_it():
    logits, truth = sample(4, n=1500, sharpness=3.0, overconfidence=2.5)
    z, y = logits.double().numpy(), truth.numpy()

    def nll(temperature: float) -> float:
        return float(-special.log_softmax(z / temperature, axis=1)[np.arange(len(y)), y].mean())

    best = optimize.minimize_scalar(lambda log_t: nll(np.exp(log_t)), bounds=(-4, 4), method="bounded",
                                    options={"xatol": 1e-10})
    fitted = metrics.fit_temperature(logits, truth)
    assert fitted == pytest.approx(np.exp(best.x), rel=1e-4)
    assert nll(fitted) <= nll(np.exp(best.x)) + 1e-10
    assert fitted > 1.5  # the logits were drawn overconfident: the temperature flattens them


def drift_bin(confidence: float, edges: list[float], bins: int) -> int:
    """audit-service DriftReference.confidenceBin, as written there."""
    b = 0
    while b < bins - 1 and confidence > edges[b + 1]:
        b += 1
    return b


def test_the_reports_prediction_distribution_holds_what_audit_services_drift_reference_reads():
    logits, truth = sample(5, n=500)
    temperature = 1.3
    report = json.loads(json.dumps(metrics.report(logits, truth, ["II"] * len(truth), temperature)))
    # DriftReference.from(card) reads metrics.siteA: cases, macroF1 and predictionDistribution's
    # predictedMix (per TreatmentGroup name), confidenceEdges and confidenceShares.
    assert isinstance(report["cases"], int) and isinstance(report["macroF1"], float)
    distribution = report["predictionDistribution"]
    assert set(distribution["predictedMix"]) == {"BENIGN", "INDETERMINATE", "MALIGNANT"}
    assert sum(distribution["predictedMix"].values()) == pytest.approx(1.0)
    edges, shares = distribution["confidenceEdges"], distribution["confidenceShares"]
    assert edges[0] == 0.0 and edges[-1] == 1.0 and all(a < b for a, b in zip(edges, edges[1:]))
    assert len(shares) == len(edges) - 1 and sum(shares) == pytest.approx(1.0)
    # The shares are the live predictions' bins as audit-service assigns them.
    confidence = (logits / temperature).softmax(1).max(1).values
    counts = np.bincount([drift_bin(float(c), edges, len(shares)) for c in confidence], minlength=len(shares))
    np.testing.assert_allclose(shares, counts / len(confidence), atol=1e-12)
    predicted = (logits / temperature).argmax(1)
    for c, group in enumerate(GROUPS):
        assert distribution["predictedMix"][group] == pytest.approx(float((predicted == c).double().mean()))


def test_flagged_not_benign_counts_the_bethesda_v_smears_not_predicted_benign_and_nothing_else():
    groups = list(GROUPS)
    bethesda = ["V", "V", "V", "V", "II", "VI", "V"]
    predicted_names = ["BENIGN", "INDETERMINATE", "MALIGNANT", "BENIGN", "BENIGN", "BENIGN", "INDETERMINATE"]
    predicted = torch.tensor([groups.index(n) for n in predicted_names])
    # Counted by hand: 7 smears, 5 of them Bethesda V, 3 of those not called Benign.
    assert metrics.flagged_not_benign(predicted, bethesda) == pytest.approx(3 / 5)
    assert metrics.flagged_not_benign(predicted[4:6], bethesda[4:6]) is None
