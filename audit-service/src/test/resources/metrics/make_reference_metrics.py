"""Reference values for ClinicalMetricsTest, computed independently of the Java code: scikit-learn
(Debian's python3-sklearn) for the confusion matrix, precision/recall/F1, macro-F1, one-vs-rest
AUC and the reliability diagram (calibration_curve of the top label, 15 uniform bins); numpy for the 15-bin expected calibration error and the multi-class Brier score, which
scikit-learn does not compute in this form; statsmodels' proportion_confint (Wilson) and scipy's
bootstrap (percentile, its own random stream) for the 95 % intervals. Run from this directory:

    /usr/bin/python3 make_reference_metrics.py > reference-metrics.json

Synthetic numbers only: nothing here is a clinical result.
"""
import json

import numpy as np
import scipy
import sklearn
import statsmodels
from scipy.stats import bootstrap
from statsmodels.stats.proportion import proportion_confint
from sklearn.calibration import calibration_curve
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support, roc_auc_score

GROUP_OF = {"I": 1, "II": 0, "III": 1, "IV": 1, "V": 1, "VI": 2}
CATEGORIES = ["I", "II", "III", "IV", "V", "VI"]


def scenario(name, seed, n, skill, decimals=None, categories=CATEGORIES):
    rng = np.random.default_rng(seed)
    bethesda = rng.choice(categories, size=n)
    truth = np.array([GROUP_OF[b] for b in bethesda])
    logits = rng.normal(size=(n, 3)) + skill * np.eye(3)[truth]
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    if decimals is not None:  # ties, to exercise the AUC's half counting
        probabilities = np.round(probabilities, decimals)
    flagged = probabilities.max(axis=1) < 0.6
    return name, bethesda, truth, probabilities, flagged


def expected_calibration_error(probabilities, truth, bins=15):
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == truth
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for low, high in zip(edges[:-1], edges[1:]):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            ece += inside.mean() * abs(confidence[inside].mean() - correct[inside].mean())
    return ece


def wilson(successes, n):
    if n == 0:
        return None
    low, high = proportion_confint(int(successes), int(n), alpha=0.05, method="wilson")
    return [float(low), float(high)]


def macro_f1(truth, probabilities):
    return f1_score(truth, probabilities.argmax(axis=1), labels=[0, 1, 2], average="macro", zero_division=0)


def bootstrap_interval(statistic, truth, probabilities):
    """scipy's percentile bootstrap over the cases (resampled by index, truth and probabilities together)."""
    result = bootstrap((np.arange(len(truth)),), lambda index: statistic(truth[index], probabilities[index]),
                       vectorized=False, n_resamples=2000, method="percentile", random_state=np.random.default_rng(12345))
    return [float(result.confidence_interval.low), float(result.confidence_interval.high)]


def intervals(bethesda, truth, probabilities):
    predicted = probabilities.argmax(axis=1)
    is_v = bethesda == "V"
    return {
        "accuracy": wilson((predicted == truth).sum(), len(truth)),
        "precision": [wilson(((predicted == c) & (truth == c)).sum(), (predicted == c).sum()) for c in range(3)],
        "recall": [wilson(((predicted == c) & (truth == c)).sum(), (truth == c).sum()) for c in range(3)],
        "bethesdaVRecall": wilson((predicted[is_v] == 1).sum(), is_v.sum()),
        "macroF1": bootstrap_interval(macro_f1, truth, probabilities),
        "expectedCalibrationError": bootstrap_interval(lambda t, p: expected_calibration_error(p, t), truth, probabilities),
    }


def reference(name, bethesda, truth, probabilities, flagged):
    predicted = probabilities.argmax(axis=1)
    precision, recall, f1, support = precision_recall_fscore_support(truth, predicted, labels=[0, 1, 2], zero_division=0)
    auc = [roc_auc_score(truth == c, probabilities[:, c]) if 0 < (truth == c).sum() < len(truth) else None
           for c in range(3)]
    is_v = bethesda == "V"
    accuracy_per_bin, confidence_per_bin = calibration_curve(predicted == truth, probabilities.max(axis=1), n_bins=15)
    return {
        "name": name,
        "cases": [{"bethesda": str(b), "probabilities": [float(x) for x in p], "flagged": bool(f)}
                  for b, p, f in zip(bethesda, probabilities, flagged)],
        "expected": {
            "accuracy": float((predicted == truth).mean()),
            "confusion": confusion_matrix(truth, predicted, labels=[0, 1, 2]).tolist(),
            "precision": precision.tolist(), "recall": recall.tolist(), "f1": f1.tolist(),
            "support": support.tolist(),
            "macroF1": float(f1_score(truth, predicted, labels=[0, 1, 2], average="macro", zero_division=0)),
            "aucOneVsRest": auc,
            "reliabilityAccuracy": accuracy_per_bin.tolist(),
            "reliabilityConfidence": confidence_per_bin.tolist(),
            "expectedCalibrationError": float(expected_calibration_error(probabilities, truth)),
            "brierScore": float(((probabilities - np.eye(3)[truth]) ** 2).sum(axis=1).mean()),
            "bethesdaVRecall": float((predicted[is_v] == 1).mean()) if is_v.any() else None,
            "bethesdaVCalledBenign": float((predicted[is_v] == 0).mean()) if is_v.any() else None,
            "flaggedShare": float(flagged.mean()),
            "intervals": intervals(bethesda, truth, probabilities),
        },
    }


if __name__ == "__main__":
    scenarios = [
        scenario("a month of 50, a fair model", 1, 50, 1.5),
        scenario("400 cases, a strong model", 2, 400, 3.0),
        scenario("probabilities rounded to 1 decimal: many ties", 3, 120, 1.0, decimals=1),
        scenario("no malignant case, no Bethesda V", 4, 30, 2.0, categories=["I", "II", "III", "IV"]),
    ]
    print(json.dumps({"generatedBy": "make_reference_metrics.py", "sklearn": sklearn.__version__,
                      "numpy": np.__version__, "scipy": scipy.__version__, "statsmodels": statsmodels.__version__, "scenarios": [reference(*s) for s in scenarios]}, indent=1))
