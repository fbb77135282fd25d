"""The Basic network's training: its samples (whole images and labelled tiles), its losses, its
BatchNorm re-estimation and its logits. NOT FOR CLINICAL USE.

``train`` trains it from scratch, ``finetune`` goes on from a live model; both use these.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from . import data
from .export import BETHESDA_FINE_CLASS, FINE_CLASSES, FINE_GROUPS, GroupedNet

NONDIAGNOSTIC, BENIGN, ATYPICAL = (FINE_CLASSES.index(c) for c in ("NONDIAGNOSTIC", "BENIGN", "ATYPICAL"))

PREPROCESSING = {"inputName": "image", "width": 224, "height": 224, "resize": "bilinear-stretch",
                 "channelOrder": "RGB", "layout": "NCHW", "scale": "0..1", "mean": [0, 0, 0], "std": [1, 1, 1]}


def fine_class(case: data.Case) -> int:
    """The case's Bethesda class, or, when a confirmed case names only its group, that group's class
    (an Indeterminate case without its category counts as atypical, the common reason for the group)."""
    if case.bethesda in BETHESDA_FINE_CLASS:
        return BETHESDA_FINE_CLASS[case.bethesda]
    group = data.GROUPS[case.group]
    return ATYPICAL if group == "INDETERMINATE" else FINE_GROUPS.index(group)


def training_batch(split: data.Split, indices: torch.Tensor, tile_share: float, generator: torch.Generator):
    """Whole images labelled with the case's class and, for a ``tile_share`` of the samples, one tile
    labelled with what it shows. A tile rich in the case's diagnostic cells (the lesion mask says
    which) takes the case's class. In half of the atypical and malignant cases (III to VI) the tile
    is one without lesion cells and takes Benign: its benign groups and empty background are no
    evidence of atypia, so the network must find that in the lesion, where a heatmap should point
    (trained on lesion tiles only, the Indeterminate map of III and V cases lit the rest of the smear,
    docs/benchmarks.md). Bethesda I says the whole field holds too few cells, which no tile shows,
    so its cases give whole images only. The number of tiles per batch is fixed, so BatchNorm sees
    the same mixture in every batch. A case without a mask (a confirmed hospital case) has no tile
    rich in lesion and none known to be clear of it: it gives its whole image only.

    Returns the views [B,3,224,224], their classes [B] and the share of each of the view's
    feature cells covered by the lesion mask [B,h,w], flipped with the view."""
    pixels = split.pixels[indices]
    labels = torch.tensor([fine_class(split.cases[i]) for i in indices.tolist()])
    x = data.whole_view(pixels)
    cells = split.cell_lesion[indices, 0].clone()
    masked = torch.tensor([bool(split.cases[i].mask) for i in indices.tolist()], dtype=torch.bool)
    eligible = ((labels != NONDIAGNOSTIC) & masked).nonzero().flatten()
    tiled = eligible[torch.randperm(len(eligible), generator=generator)[:round(tile_share * len(indices))]]
    if len(tiled):
        coverage = split.tile_lesion[indices[tiled]]
        rich = (coverage >= 0.5 * coverage.max(dim=1, keepdim=True).values) & (coverage > 0)
        clear = coverage == 0
        background = ((labels[tiled] >= ATYPICAL) & clear.any(dim=1)
                      & (torch.rand(len(tiled), generator=generator) < 0.5))
        choice = torch.multinomial(torch.where(background[:, None], clear, rich).float(), 1,
                                   generator=generator).squeeze(1)
        x[tiled] = data.tile_view(pixels[tiled], choice)
        cells[tiled] = split.cell_lesion[indices[tiled], 1 + choice]
        labels[tiled[background]] = BENIGN
    flips = torch.rand(2, generator=generator)
    if flips[0] < 0.5:
        x, cells = x.flip(-1), cells.flip(-1)
    if flips[1] < 0.5:
        x, cells = x.flip(-2), cells.flip(-2)
    return x, labels, cells


def localisation_loss(maps: torch.Tensor, labels: torch.Tensor, cells: torch.Tensor) -> torch.Tensor:
    """-log of the share of the true class's map, as a softmax over its cells, that falls on cells
    holding lesion (at least 5 % of the cell, or the cell with the most), for atypical and malignant
    samples that show lesion. The case label alone lets a network find Bethesda III to VI anywhere
    in the smear (1.1.0 pointed at III's atypical groups in 14 % of cases, Basic); the synthetic
    masks say where the diagnostic cells are, as an expert's annotation would on real smears. A
    sample without a mask has no lesion cells and takes no part.

    ``maps`` are the class activation maps [B,4,h,w]; times the cell count each cell's value is its
    own contribution W A_ij to the logit, the scale the softmax is taken on. ``cells`` [B,H,W] are
    averaged to the maps' size (the plain network's 7x7 from the finer 14x14)."""
    if cells.shape[-2:] != maps.shape[-2:]:
        cells = F.adaptive_avg_pool2d(cells[:, None], maps.shape[-2:])[:, 0]
    flat = cells.flatten(1)
    most = flat.max(dim=1, keepdim=True).values
    use = (labels >= ATYPICAL) & (most[:, 0] > 0)
    if not use.any():
        return maps.new_zeros(())
    lesion = flat[use] >= most[use].clamp(max=0.05)
    scores = maps[use, labels[use]].flatten(1) * (maps.shape[-2] * maps.shape[-1])
    on_lesion = torch.logsumexp(scores.masked_fill(~lesion, -math.inf), dim=1)
    return (torch.logsumexp(scores, dim=1) - on_lesion).mean()


def batch_loss(split: data.Split, tile_share: float, localisation: float, bethesda_v_weight: float = 1.0):
    """The loop's ``batch_loss``: cross-entropy over the fine classes plus the weighted localisation loss.
    A Bethesda V view labelled atypical weighs ``bethesda_v_weight`` (``data.bethesda_v_weights``); a
    clear tile of such a case, labelled Benign, weighs 1."""
    case_weights = data.bethesda_v_weights(split, bethesda_v_weight)

    def loss(net: GroupedNet, indices: torch.Tensor, generator: torch.Generator):
        x, y, cells = training_batch(split, indices, tile_share, generator)
        fine, maps = net.fine_outputs(x)
        located = localisation_loss(maps, y, cells)
        weights = torch.where(y == ATYPICAL, case_weights[indices], 1.0)
        return data.weighted_cross_entropy(fine, y, weights) + localisation * located, {"localisation": float(located)}
    return loss


@torch.no_grad()
def recalibrate_batchnorm(net, split: data.Split, *, batch: int, tile_share: float, seed: int, batches: int) -> None:
    """Precise BatchNorm: running statistics recomputed as plain averages over ``batches`` training
    batches drawn as in training, with the weights fixed. The default exponential average lags the
    weights while the learning rate is high; measured here, validation macro-F1 swung between 0.17
    and 0.63 from one epoch to the next with train loss falling steadily."""
    generator = torch.Generator().manual_seed(seed + 7)
    order = torch.randperm(len(split), generator=generator)
    views = (training_batch(split, order[b * batch:(b + 1) * batch], tile_share, generator)[0]
             for b in range(min(batches, math.ceil(len(split) / batch))))
    reestimate_batchnorm(net, views)


@torch.no_grad()
def reestimate_batchnorm(net: nn.Module, views) -> None:
    """Every BatchNorm's running statistics as the plain average over the batches ``views`` yields."""
    norms = [m for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
    net.eval()
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # cumulative average
        m.train()
    for x in views:
        net(x)
    for m in norms:
        m.momentum = 0.1
    net.eval()


@torch.inference_mode()
def logits(net, split: data.Split, batch: int = 32) -> torch.Tensor:
    net.eval()
    return torch.cat([net(data.whole_view(split.pixels[i:i + batch])) for i in range(0, len(split), batch)])


def new_plain_net(seed: int) -> GroupedNet:
    net = GroupedNet(seed=seed, finer=False)
    # torchvision initialises the last Linear with a range of 1/sqrt(classes), which gives large
    # logits at the start; trained from scratch, Adam then diverges (loss above 2 for a whole
    # epoch, measured). Zero logits at the start train steadily.
    nn.init.zeros_(net.classifier[-1].weight)
    nn.init.zeros_(net.classifier[-1].bias)
    return net
