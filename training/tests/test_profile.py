"""cytotriage_training.profile against independent computations (scipy) and the guarantees it
claims (coverage of the conformal sets, share of in-distribution images assessed)."""

import math

import numpy as np
from scipy.spatial import distance

from cytotriage_training import profile


def sample_probabilities(rng, n):
    """Probabilities of a confident but imperfect classifier, and labels drawn from them."""
    logits = rng.normal(size=(n, 3)) * 2.0
    p = profile.softmax(logits, 1.0)
    truth = np.array([rng.choice(3, p=row) for row in p])
    return p, truth


def test_conformal_sets_keep_each_classs_coverage_on_new_images_from_the_same_distribution():
    rng = np.random.default_rng(7)
    calibration, calibration_truth = sample_probabilities(rng, 3000)
    thresholds = profile.conformal_thresholds(calibration, calibration_truth, 0.90)
    test, test_truth = sample_probabilities(rng, 20000)
    report = profile.conformal_report(test, test_truth, thresholds, 0.90)
    for group, coverage in report["coveragePerClass"].items():
        # Given one calibration draw of about 1,000 per class, the coverage varies by about 0.01 around 0.90.
        assert 0.87 <= coverage <= 0.935, (group, coverage)
    assert 1.0 <= report["meanSetSize"] <= 3.0


def test_a_conformal_threshold_is_the_rank_the_split_conformal_guarantee_needs():
    probabilities = np.array([[0.9, 0.05, 0.05], [0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.5, 0.4, 0.1]])
    truth = np.array([0, 0, 0, 0])
    # Scores 1 - p(benign): 0.1, 0.4, 0.8, 0.5. n = 4, ceil(5 * 0.6) = 3rd smallest = 0.5.
    assert profile.conformal_thresholds(probabilities, truth, 0.6)[0] == 0.5
    # ceil(5 * 0.9) = 5 > n: the class is always in the set.
    assert profile.conformal_thresholds(probabilities, truth, 0.9)[0] == 1.0


def test_the_score_is_half_the_mean_squared_mahalanobis_distance_when_the_components_span_everything():
    rng = np.random.default_rng(3)
    mixing = rng.normal(size=(5, 5))
    train = rng.normal(size=(400, 5)) @ mixing
    fitted = profile.fit_features(train, components=5)
    covariance = np.cov(train, rowvar=False)
    inverse = np.linalg.inv(covariance)
    queries = rng.normal(size=(10, 5)) @ mixing * 1.5
    expected = [distance.mahalanobis(q, train.mean(axis=0), inverse) ** 2 / 5 / 2 for q in queries]
    np.testing.assert_allclose(profile.scores(fitted, queries), expected, rtol=1e-6, atol=1e-9)


def test_training_images_score_about_one_and_a_shifted_image_far_above():
    rng = np.random.default_rng(5)
    train = rng.normal(size=(600, 40)) * np.linspace(3, 0.1, 40)
    fitted = profile.fit_features(train, components=8)
    assert abs(profile.scores(fitted, train).mean() - 1.0) < 0.02
    shifted = rng.normal(size=(20, 40)) * np.linspace(3, 0.1, 40) + 5.0
    assert profile.scores(fitted, shifted).min() > 5


def test_components_without_spread_are_dropped_rather_than_divided_by():
    rng = np.random.default_rng(11)
    train = np.zeros((30, 50))
    train[:, :3] = rng.normal(size=(30, 3))
    fitted = profile.fit_features(train, components=20)
    assert len(fitted["variances"]) == 3
    assert np.isfinite(profile.scores(fitted, rng.normal(size=(5, 50)))).all()


def test_the_threshold_lets_at_least_the_asked_share_through():
    values = np.arange(1, 201, dtype=float)
    threshold = profile.order_statistic(values, 0.995)
    assert (values <= threshold).mean() >= 0.995
    assert (values <= threshold - 1).mean() < 0.995


def test_measure_limits_contain_every_training_image_and_refuse_a_blank_one():
    rows = [{"coverage": c, "contrast": 0.1, "focus": 0.01 * c, "chroma": 0.2, "redness": 0.1 - c, "blueness": 0.05}
            for c in (0.1, 0.3, 0.6)]
    limits = profile.measure_limits(rows)
    assert profile.within_limits(limits, rows).all()
    assert math.isclose(limits["COVERAGE"]["min"], 0.08)
    assert math.isclose(limits["COVERAGE"]["max"], 0.75)
    assert math.isclose(limits["REDNESS"]["min"], -0.5 - 0.125)
    blank = {"coverage": 0.0, "contrast": 0.0, "focus": 0.0, "chroma": 0.0, "redness": 0.0, "blueness": 0.0}
    assert not profile.within_limits(limits, [blank]).any()
