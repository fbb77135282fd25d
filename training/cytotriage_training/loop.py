"""The epoch loop every network here is trained with: AdamW, a one-cycle learning rate, and the
epoch with the best validation macro-F1 kept, among the epochs validation does not refuse. NOT FOR
CLINICAL USE.

The caller says what one batch costs (``batch_loss``), how the network is put into training mode
(``train_mode``: fine-tuning keeps BatchNorm frozen), what happens after each epoch (``after_epoch``:
training from scratch re-estimates BatchNorm statistics) and how validation is scored; each finished
epoch is reported to ``on_epoch``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import time
from typing import Callable

import torch
from torch import nn

# Share of the steps the one-cycle schedule spends warming up to the peak learning rate.
WARM_UP = 0.15
WEIGHT_DECAY = 1e-4


def log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", flush=True)


@dataclasses.dataclass(frozen=True)
class Validation:
    """One epoch's validation: its macro-F1, and why the epoch may not be kept whatever its macro-F1
    (``refusal``; fine-tuning refuses an epoch that misses more Bethesda V smears than its parent)."""
    macro_f1: float
    refusal: str | None = None
    figures: dict[str, float | None] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Epoch:
    epoch: int
    loss: float
    validation: Validation
    seconds: float

    @property
    def validation_macro_f1(self) -> float:
        return self.validation.macro_f1

    def as_json(self) -> dict:
        return {"epoch": self.epoch, "loss": self.loss, "validationMacroF1": self.validation.macro_f1,
                **self.validation.figures, **({"refused": self.validation.refusal} if self.validation.refusal else {}),
                "seconds": round(self.seconds, 1)}


@dataclasses.dataclass(frozen=True)
class Fitted:
    """What the loop did: ``best_epoch`` 0 is the weights it started from (only when a baseline was scored)."""
    best_epoch: int
    best_macro_f1: float
    epochs: list[Epoch]
    seconds: float


BatchLoss = Callable[[nn.Module, torch.Tensor, torch.Generator], "tuple[torch.Tensor, dict[str, float]]"]


def train_epochs(net: nn.Module, *, train_size: int, batch: int, epochs: int, lr: float, seed: int,
                 batch_loss: BatchLoss, validate: Callable[[nn.Module], "float | Validation"], stage: str,
                 train_mode: Callable[[nn.Module], None] = lambda n: n.train(),
                 after_epoch: Callable[[nn.Module], None] | None = None,
                 on_epoch: Callable[[Epoch], None] = lambda e: None,
                 baseline: float | None = None) -> Fitted:
    """Trains ``net`` in place and leaves it in eval mode holding the best epoch's weights.

    Each epoch draws a permutation of the training cases from a generator seeded with ``seed``;
    ``batch_loss(net, indices, generator)`` returns the loss and extra terms to print. With
    ``baseline`` (the starting weights' validation macro-F1) the starting weights are epoch 0 and an
    epoch is kept only when it beats them; without, the first epoch always counts. ``validate`` returns
    the macro-F1, or a :class:`Validation` that may refuse the epoch (it is then never kept)."""
    steps = math.ceil(train_size / batch)
    optimiser = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=WEIGHT_DECAY)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=lr, total_steps=epochs * steps,
                                                   pct_start=WARM_UP) if lr > 0 else None
    generator = torch.Generator().manual_seed(seed)
    best = (-1.0, None, 0) if baseline is None else (baseline, snapshot(net), 0)
    history: list[Epoch] = []
    started = time.monotonic()
    for epoch in range(1, epochs + 1):
        epoch_start = time.monotonic()
        loss = _one_epoch(net, steps, batch, train_size, optimiser, schedule, generator, batch_loss, train_mode,
                          f"{stage} epoch {epoch}/{epochs}")
        if after_epoch:
            after_epoch(net)
        net.eval()
        scored = validate(net)
        validation = scored if isinstance(scored, Validation) else Validation(scored)
        history.append(Epoch(epoch, loss, validation, time.monotonic() - epoch_start))
        log(f"{stage} epoch {epoch}/{epochs}: train loss {loss:.4f}, validation macro-F1 {validation.macro_f1:.4f}"
            + (f", not kept: {validation.refusal}" if validation.refusal else "") + f" ({time.monotonic() - started:.0f} s)")
        on_epoch(history[-1])
        if validation.refusal is None and validation.macro_f1 > best[0]:
            best = (validation.macro_f1, snapshot(net), epoch)
    if best[1] is None:
        raise ValueError(f"{stage}: validation refused every epoch: " + "; ".join(e.validation.refusal for e in history))
    net.load_state_dict(best[1])
    net.eval()
    log(f"{stage}: kept epoch {best[2]} (validation macro-F1 {best[0]:.4f})")
    return Fitted(best[2], best[0], history, time.monotonic() - started)


def snapshot(net: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in net.state_dict().items()}


def _one_epoch(net, steps, batch, train_size, optimiser, schedule, generator, batch_loss, train_mode, label) -> float:
    """Mean training loss per sample over one pass."""
    train_mode(net)
    order = torch.randperm(train_size, generator=generator)
    totals: dict[str, float] = {}
    seen = 0
    start = time.monotonic()
    for step in range(steps):
        indices = order[step * batch:(step + 1) * batch]
        loss, extras = batch_loss(net, indices, generator)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        if schedule:
            schedule.step()
        for name, value in {"loss": float(loss), **extras}.items():
            totals[name] = totals.get(name, 0.0) + value * len(indices)
        seen += len(indices)
        if (step + 1) % 10 == 0 or step + 1 == steps:
            terms = ", ".join(f"{k} {v / seen:.3f}" for k, v in totals.items() if k != "loss")
            print(f"\r  {label} step {step + 1}/{steps} loss {totals['loss'] / seen:.3f}"
                  f" ({terms + ', ' if terms else ''}{seen / (time.monotonic() - start):.1f} img/s)", end="", flush=True)
    print()
    return totals["loss"] / seen
