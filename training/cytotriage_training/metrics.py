"""Classification metrics and temperature scaling, in plain torch (no scikit-learn on Debian's
minimal stack). NOT FOR CLINICAL USE: computed on synthetic data only."""

from __future__ import annotations

import torch
from torch.nn import functional as F

from .data import GROUPS


def per_class(predicted: torch.Tensor, truth: torch.Tensor, classes: int = len(GROUPS)) -> dict:
    out = {}
    for c in range(classes):
        tp = int(((predicted == c) & (truth == c)).sum())
        fp = int(((predicted == c) & (truth != c)).sum())
        fn = int(((predicted != c) & (truth == c)).sum())
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[GROUPS[c]] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    return out


def macro_f1(predicted: torch.Tensor, truth: torch.Tensor) -> float:
    return sum(m["f1"] for m in per_class(predicted, truth).values()) / len(GROUPS)


def flagged_not_benign(predicted: torch.Tensor, bethesda: list[str]) -> float | None:
    """Share of the Bethesda V (suspicious for malignancy) smears not predicted Benign: the miss that
    matters for a suspicious smear, the gate's "Bethesda V recall". None without a Bethesda V smear."""
    v_predicted = predicted[torch.tensor([b == "V" for b in bethesda], dtype=torch.bool)]
    return float((v_predicted != GROUPS.index("BENIGN")).double().mean()) if len(v_predicted) else None


def auc_one_vs_rest(scores: torch.Tensor, positive: torch.Tensor) -> float | None:
    """Mann-Whitney AUC with ties counted half; None when a class is absent."""
    pos, neg = scores[positive], scores[~positive]
    if len(pos) == 0 or len(neg) == 0:
        return None
    greater = (pos[:, None] > neg[None, :]).double().sum()
    ties = (pos[:, None] == neg[None, :]).double().sum()
    return float((greater + 0.5 * ties) / (len(pos) * len(neg)))


def expected_calibration_error(probabilities: torch.Tensor, truth: torch.Tensor, bins: int = 15) -> float:
    """Top-label ECE over equal-width confidence bins."""
    confidence, predicted = probabilities.max(dim=1)
    correct = (predicted == truth).double()
    edges = torch.linspace(0, 1, bins + 1, dtype=torch.float64)
    ece = 0.0
    for low, high in zip(edges[:-1], edges[1:]):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            ece += float(inside.double().mean() * (confidence[inside].double().mean() - correct[inside].mean()).abs())
    return ece


def fit_temperature(logits: torch.Tensor, truth: torch.Tensor) -> float:
    """Temperature T minimising the validation negative log-likelihood of softmax(logits / T)."""
    log_t = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200, line_search_fn="strong_wolfe")
    z = logits.double()

    def closure():
        optimiser.zero_grad()
        loss = F.cross_entropy(z / log_t.exp(), truth)
        loss.backward()
        return loss

    optimiser.step(closure)
    return float(log_t.exp())


# Confidence bins of the drift reference: finer near 1, where a confident model's predictions pile up.
CONFIDENCE_EDGES = [0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0]


def prediction_distribution(calibrated: torch.Tensor) -> dict:
    """What the model predicts on a test set, the reference audit-service measures drift against
    (population stability index of the live predictions' class mix and confidence)."""
    confidence, predicted = calibrated.max(dim=1)
    edges = torch.tensor(CONFIDENCE_EDGES, dtype=torch.float64)
    # Bins (low, high], the first closed below.
    bins = (torch.bucketize(confidence.double(), edges, right=False) - 1).clamp(0, len(CONFIDENCE_EDGES) - 2)
    return {
        "predictedMix": {GROUPS[c]: float((predicted == c).double().mean()) for c in range(len(GROUPS))},
        "confidenceEdges": CONFIDENCE_EDGES,
        "confidenceShares": [float((bins == b).double().mean()) for b in range(len(CONFIDENCE_EDGES) - 1)],
    }


def report(logits: torch.Tensor, truth: torch.Tensor, bethesda: list[str], temperature: float) -> dict:
    """The model card's metrics block for one test set."""
    raw = logits.softmax(dim=1)
    calibrated = (logits / temperature).softmax(dim=1)
    predicted = calibrated.argmax(dim=1)
    is_v = torch.tensor([b == "V" for b in bethesda])
    v_predicted = predicted[is_v]
    return {
        "cases": len(truth),
        "accuracy": float((predicted == truth).double().mean()),
        "macroF1": macro_f1(predicted, truth),
        "perClass": per_class(predicted, truth),
        "bethesdaV": {
            "cases": int(is_v.sum()),
            "recall": float((v_predicted == GROUPS.index("INDETERMINATE")).double().mean()) if len(v_predicted) else None,
            "flaggedNotBenign": flagged_not_benign(predicted, bethesda),
        },
        "aucOneVsRest": {GROUPS[c]: auc_one_vs_rest(calibrated[:, c], truth == c) for c in range(len(GROUPS))},
        "eceBeforeCalibration": expected_calibration_error(raw, truth),
        "eceAfterCalibration": expected_calibration_error(calibrated, truth),
        "confusion": [[int(((truth == t) & (predicted == p)).sum()) for p in range(len(GROUPS))]
                      for t in range(len(GROUPS))],
        "predictionDistribution": prediction_distribution(calibrated),
    }
