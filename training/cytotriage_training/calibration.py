"""Temperature calibration on a held-out split and the card's metrics on each test set.

NOT FOR CLINICAL USE: synthetic data only.
"""

from __future__ import annotations

from typing import Callable

import torch

from . import data, metrics


def calibrate(logits_of: Callable[[data.Split], torch.Tensor], calibration: data.Split,
              tests: dict[str, data.Split]) -> tuple[float, dict[str, dict]]:
    """The temperature minimising ``calibration``'s NLL, and ``metrics.report`` on each test set with it."""
    temperature = metrics.fit_temperature(logits_of(calibration), calibration.labels)
    return temperature, {name: report(logits_of(split), split, temperature) for name, split in tests.items()}


def report(logits: torch.Tensor, split: data.Split, temperature: float) -> dict:
    return metrics.report(logits, split.labels, [c.bethesda for c in split.cases], temperature)


def summary(reports: dict[str, dict]) -> str:
    return ", ".join(f"{name} macro-F1 {m['macroF1']:.4f}" for name, m in reports.items())
