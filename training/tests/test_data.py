"""cytotriage_training.data: the per-case loss weights."""

import torch
from torch.nn import functional as F

from cytotriage_training import data


def test_a_sample_weighing_three_counts_as_that_sample_three_times_in_the_plain_mean():
    logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.3, 0.2]])
    labels = torch.tensor([0, 2])
    weighted = data.weighted_cross_entropy(logits, labels, torch.tensor([1.0, 3.0]))
    repeated = F.cross_entropy(logits[[0, 1, 1, 1]], labels[[0, 1, 1, 1]])
    assert torch.isclose(weighted, repeated)


def test_only_bethesda_v_cases_take_the_weight():
    cases = [data.Case(f"c{i}.png", "train", b, 1, "B", None, "") for i, b in enumerate(["V", "IV", "", "V"])]
    split = data.Split(cases, torch.zeros(4, 3, 1, 1, dtype=torch.uint8), torch.zeros(4, 12), torch.zeros(4, 13, 1, 1))
    assert data.bethesda_v_weights(split, 3.0).tolist() == [3.0, 1.0, 1.0, 3.0]
