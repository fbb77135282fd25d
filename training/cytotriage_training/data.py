"""Synthetic datasets written by the Java generator, and the views the models see.

NOT FOR CLINICAL USE.

A dataset directory (``generate-dataset`` CLI of the synthetic-cytology module) holds
``labels.csv`` (file,split,bethesda,group,site,seed,mask), ``images/`` and ``masks/``.

The views are computed exactly as the Java inference service computes them, so that Java and
PyTorch agree to float rounding: pixels scaled to 0..1, the image stretched to 1024x768 if it has
another size, the whole image and each tile of a 3x4 grid of 256x256 tiles resized to 224x224 by
plain bilinear interpolation (``align_corners=False``, no antialiasing; PIL's antialiasing filter
differs by up to 0.17, see ../shared/docs/measured.md). Order: whole image, then tiles row by row.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch.nn import functional as F

from .export import FEATURE_SHAPE

GROUPS = ("BENIGN", "INDETERMINATE", "MALIGNANT")
VIEW_SIZE = 224
CANVAS_WIDTH, CANVAS_HEIGHT = 1024, 768
TILE = 256
TILE_ROWS, TILE_COLS = CANVAS_HEIGHT // TILE, CANVAS_WIDTH // TILE
VIEW_COUNT = 1 + TILE_ROWS * TILE_COLS
# The network's last feature map: each view is read as a 14x14 grid of cells (export.FinerFeatures).
FEATURE_CELLS = FEATURE_SHAPE[-1]


@dataclass(frozen=True)
class Case:
    file: str
    split: str
    bethesda: str
    group: int
    site: str
    seed: int | None  # None for a confirmed hospital case: it has no generator seed
    mask: str  # "" when the case has no lesion mask (a confirmed hospital case)


@dataclass
class Split:
    """Decoded images of one split, kept as uint8 [N,3,768,1024] to spare memory."""

    cases: list[Case]
    pixels: torch.Tensor
    tile_lesion: torch.Tensor  # [N,12] share of each tile covered by the lesion mask
    cell_lesion: torch.Tensor  # [N,13,h,w] share of each feature cell covered by it, per view

    @property
    def labels(self) -> torch.Tensor:
        return torch.tensor([c.group for c in self.cases])

    def __len__(self) -> int:
        return len(self.cases)

    def part(self, start: int, stop: int | None = None) -> "Split":
        """Cases ``start`` to ``stop``, in order."""
        return Split(self.cases[start:stop], self.pixels[start:stop], self.tile_lesion[start:stop],
                     self.cell_lesion[start:stop])


def bethesda_v_weights(split: Split, weight: float) -> torch.Tensor:
    """Per case, its weight in a training loss: ``weight`` for a Bethesda V (suspicious) case, 1 for
    the rest. Calling a suspicious smear benign is the miss the change-control gate refuses a candidate
    for, and a fine-tune on a new site's cases with equal weights bought macro-F1 with such misses
    (docs/models.md, Retraining)."""
    return torch.tensor([weight if case.bethesda == "V" else 1.0 for case in split.cases])


def weighted_cross_entropy(logits: torch.Tensor, labels: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Cross-entropy averaged with a weight per sample (``F.cross_entropy`` weighs only by class)."""
    return (F.cross_entropy(logits, labels, reduction="none") * weights).sum() / weights.sum()


def read_cases(directory: Path) -> list[Case]:
    with (directory / "labels.csv").open(newline="", encoding="utf-8") as f:
        return [Case(row["file"], row["split"], row["bethesda"], GROUPS.index(row["group"]), row["site"],
                     int(row["seed"]) if row["seed"] else None, row["mask"] or "") for row in csv.DictReader(f)]


def decode_rgb(path: Path) -> torch.Tensor:
    """uint8 [3,H,W], RGB."""
    with Image.open(path) as image:
        return torch.from_numpy(np.asarray(image.convert("RGB")).copy()).permute(2, 0, 1).contiguous()


def lesion_coverage(mask_path: Path) -> tuple[torch.Tensor, torch.Tensor]:
    """Share of lesion pixels in each of the 12 tiles, row by row [12], and in each feature cell of
    each view [13,h,w]: the whole image's cells, then each tile's."""
    with Image.open(mask_path) as mask:
        m = torch.from_numpy((np.asarray(mask.convert("L")) > 127).astype(np.float32))
    if m.shape != (CANVAS_HEIGHT, CANVAS_WIDTH):  # stretched with its image (``to_canvas``)
        m = F.interpolate(m[None, None], size=(CANVAS_HEIGHT, CANVAS_WIDTH), mode="nearest")[0, 0]
    tiles = (m.reshape(TILE_ROWS, TILE, TILE_COLS, TILE).permute(0, 2, 1, 3)
             .reshape(TILE_ROWS * TILE_COLS, 1, TILE, TILE))
    cells = torch.cat([F.adaptive_avg_pool2d(m[None, None], FEATURE_CELLS)[0],
                       F.adaptive_avg_pool2d(tiles, FEATURE_CELLS)[:, 0]])
    return tiles.mean(dim=(1, 2, 3)), cells


def load_split(directory: Path, split: str | None, limit: int | None = None) -> Split:
    """The cases of ``split`` (None: every row of labels.csv), in file order, at most ``limit``."""
    cases = [c for c in read_cases(directory) if split is None or c.split == split][:limit]
    if not cases:
        raise ValueError(f"no {split + ' ' if split else ''}cases in {directory}")
    pixels = torch.empty((len(cases), 3, CANVAS_HEIGHT, CANVAS_WIDTH), dtype=torch.uint8)
    coverage = torch.zeros((len(cases), TILE_ROWS * TILE_COLS))
    cells = torch.zeros((len(cases), VIEW_COUNT, FEATURE_CELLS, FEATURE_CELLS))
    for i, case in enumerate(cases):
        pixels[i] = to_canvas(decode_rgb(directory / case.file))
        if case.mask:
            coverage[i], cells[i] = lesion_coverage(directory / case.mask)
    return Split(cases, pixels, coverage, cells)


def to_canvas(image: torch.Tensor) -> torch.Tensor:
    """uint8 [3,H,W] -> uint8 [3,768,1024]: an image of another size (a hospital's scanner) stretched
    to the canvas as ``to_unit`` stretches it, rounded back to 8 bits. The split then holds the very
    pixels its views and reference PNGs are made of, so PyTorch and Java still see the same input."""
    if image.shape[1:] == (CANVAS_HEIGHT, CANVAS_WIDTH):
        return image
    return (to_unit(image[None])[0] * 255.0).round().clamp(0, 255).to(torch.uint8)


def to_unit(pixels: torch.Tensor) -> torch.Tensor:
    """uint8 [N,3,H,W] -> float32 0..1, stretched to 1024x768 when the size differs."""
    x = pixels.float() / 255.0
    if x.shape[-2:] != (CANVAS_HEIGHT, CANVAS_WIDTH):
        x = F.interpolate(x, size=(CANVAS_HEIGHT, CANVAS_WIDTH), mode="bilinear", align_corners=False)
    return x


def resize(x: torch.Tensor) -> torch.Tensor:
    return F.interpolate(x, size=(VIEW_SIZE, VIEW_SIZE), mode="bilinear", align_corners=False)


def whole_view(pixels: torch.Tensor) -> torch.Tensor:
    """[N,3,224,224] the whole image stretched to 224x224, as the Basic model sees it."""
    return resize(pixels.float() / 255.0)


def tile_view(pixels: torch.Tensor, tile: torch.Tensor) -> torch.Tensor:
    """[N,3,224,224]: tile ``tile[n]`` (0..11, row by row) of each image."""
    x = to_unit(pixels)
    crops = []
    for n, t in enumerate(tile.tolist()):
        row, col = divmod(t, TILE_COLS)
        crops.append(x[n, :, row * TILE:(row + 1) * TILE, col * TILE:(col + 1) * TILE])
    return resize(torch.stack(crops))


def all_views(pixels: torch.Tensor) -> torch.Tensor:
    """[N,13,3,224,224]: the whole image, then the 12 tiles row by row, as the Premium model sees them.

    The image is first stretched to the 1024x768 canvas the grid is defined on (a no-op for images of
    that size); the whole view is taken from that canvas."""
    x = to_unit(pixels)
    n = x.shape[0]
    tiles = (x.reshape(n, 3, TILE_ROWS, TILE, TILE_COLS, TILE)
             .permute(0, 2, 4, 1, 3, 5)
             .reshape(n * TILE_ROWS * TILE_COLS, 3, TILE, TILE))
    views = torch.cat([resize(x).unsqueeze(1), resize(tiles).reshape(n, TILE_ROWS * TILE_COLS, 3, VIEW_SIZE, VIEW_SIZE)],
                      dim=1)
    return views


def halves(split: Split) -> tuple[Split, Split]:
    """The first and the second half of a split, in order."""
    half = len(split) // 2
    return split.part(0, half), split.part(half)
