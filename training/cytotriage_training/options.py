"""The command-line options the training entry points share, with one meaning and one help text each.

NOT FOR CLINICAL USE.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def parser(doc: str) -> argparse.ArgumentParser:
    return argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)


def add_datasets(p: argparse.ArgumentParser) -> None:
    """The site A dataset, site B's test split and the independent holdout datasets (train, train_variant)."""
    p.add_argument("--data", type=Path, required=True, help="site A dataset (train/validation/test)")
    p.add_argument("--site-b", type=Path, help="site B dataset; its test split measures the shift")
    p.add_argument("--out", type=Path, required=True, help="models directory to write into")
    p.add_argument("--holdout", type=Path,
                   help="independent site A dataset (val and test splits) the network never saw: the second half "
                        "of its val split fits the temperature (Basic: the first half trains the Premium head), "
                        "its test split is site A's test")
    p.add_argument("--holdout-b", type=Path, help="the holdout's seeds at site B; its test split is site B's test")
    p.add_argument("--created-at", default=None, help="card timestamp (default: now, UTC)")


def add_schedule(p: argparse.ArgumentParser, *, epochs: int, batch: int, lr: float, epochs_help: str = "epochs") -> None:
    p.add_argument("--epochs", type=int, default=epochs, help=epochs_help)
    p.add_argument("--batch", type=int, default=batch)
    p.add_argument("--lr", type=float, default=lr, help="peak learning rate")


def add_basic_losses(p: argparse.ArgumentParser) -> None:
    """What the Basic network's training samples and losses are (basic.training_batch, basic.localisation_loss)."""
    p.add_argument("--tile-share", type=float, default=0.4, help="share of training samples that are tiles")
    p.add_argument("--localisation", type=float, default=0.5,
                   help="weight of the loss that puts the true class's map on the lesion mask (localisation_loss)")


def add_run(p: argparse.ArgumentParser, *, seed: int, references: int) -> None:
    p.add_argument("--limit", type=int, help="cap every split (smoke runs)")
    p.add_argument("--references", type=int, default=references, help="reference cases written for parity tests")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=seed)
