#!/usr/bin/env bash
# Reproduces the shipped demo models under models/ (NOT FOR CLINICAL USE): installs Debian's
# PyTorch, builds the synthetic data generator, writes the site A and site B datasets and trains
# Basic and Premium on them. About 45 minutes on 2 cores.
#
#   training/train-demo-models.sh [--epochs N] [other train.py options]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${root}"

count=2400   # per site: 70/15/15 % train/validation/test
seed=2026    # one seed for both sites: site B's test split holds the same cells, stained at site B
data="${root}/training/target/demo-data"

training/install.sh
./mvnw -q -B -DskipTests install -pl synthetic-cytology -am
generator=(java -jar synthetic-cytology/target/synthetic-cytology-0.1.0-SNAPSHOT.jar --count "${count}" --seed "${seed}" --format jpeg)
"${generator[@]}" --site A --out "${data}/site-a"
"${generator[@]}" --site B --out "${data}/site-b"

cd training
/usr/bin/python3 -B train.py --data "${data}/site-a" --site-b "${data}/site-b" --out "${root}/models" "$@"
