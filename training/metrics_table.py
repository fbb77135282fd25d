"""Prints the metrics of the model cards under a models directory as a Markdown table.

    /usr/bin/python3 -B training/metrics_table.py models

NOT FOR CLINICAL USE: the metrics are on synthetic test splits.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def fmt(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def main(models: Path) -> int:
    print("| model | site | cases | macro-F1 | F1 B / I / M | recall B / I / M | Bethesda V recall (not benign) "
          "| AUC B / I / M | ECE before -> after |")
    print("|---|---|---|---|---|---|---|---|---|")
    for card_path in sorted(models.glob("*/model-card.json")):
        card = json.loads(card_path.read_text(encoding="utf-8"))
        for site, m in (card.get("metrics") or {}).items():
            per = m["perClass"]
            groups = ("BENIGN", "INDETERMINATE", "MALIGNANT")
            print(f"| {card['name']} {card['version']} | {site} | {m['cases']} | {fmt(m['macroF1'])} "
                  f"| {' / '.join(fmt(per[g]['f1']) for g in groups)} "
                  f"| {' / '.join(fmt(per[g]['recall']) for g in groups)} "
                  f"| {fmt(m['bethesdaV']['recall'])} ({fmt(m['bethesdaV']['flaggedNotBenign'])}) "
                  f"| {' / '.join(fmt(m['aucOneVsRest'][g]) for g in groups)} "
                  f"| {fmt(m['eceBeforeCalibration'])} -> {fmt(m['eceAfterCalibration'])} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "models")))
