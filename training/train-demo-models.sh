#!/usr/bin/env bash
# Reproduces the shipped demo models under models/ (NOT FOR CLINICAL USE): installs Debian's
# PyTorch, builds the synthetic data generator, writes the datasets and trains Basic, Premium and
# the MobileNetV2 variant on them. About 80 minutes on 2 cores.
#
#   training/train-demo-models.sh [--epochs N] [other cytotriage_training.train options]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${root}"

data="${root}/training/target/demo-data"

training/install.sh
./mvnw -q -B -DskipTests install -pl synthetic-cytology -am
generator=(java -jar synthetic-cytology/target/synthetic-cytology-0.1.0-SNAPSHOT.jar --format jpeg)
# Training data: 2,400 cases, 70/15/15 % train/validation/test. One seed for both sites: site B holds
# the same cells, stained and photographed at site B.
"${generator[@]}" --count 2400 --seed 2026 --site A --out "${data}/site-a"
"${generator[@]}" --count 2400 --seed 2026 --site B --out "${data}/site-b"
# Held out from the Basic network's training: half of the val split trains the Premium head, half
# selects it and fits the temperatures; the test split (800 cases per site) gives the metrics.
"${generator[@]}" --count 1600 --seed 2027 --split 0,0.5,0.5 --site A --out "${data}/holdout-a"
"${generator[@]}" --count 1600 --seed 2027 --split 0,0.5,0.5 --site B --out "${data}/holdout-b"

cd training
/usr/bin/python3 -B -m cytotriage_training.train --data "${data}/site-a" --site-b "${data}/site-b" \
    --holdout "${data}/holdout-a" --holdout-b "${data}/holdout-b" --out "${root}/models" "$@"
# The second encoder (MobileNetV2, 160x160, ImageNet normalisation) on the same data.
/usr/bin/python3 -B -m cytotriage_training.train_variant --data "${data}/site-a" --site-b "${data}/site-b" \
    --holdout "${data}/holdout-a" --holdout-b "${data}/holdout-b" --out "${root}/models"
# When each model must not answer, and its prediction sets: the Java runtime runs every model on the
# training data (800 training and the validation images) and both holdout test splits, and
# cytotriage_training.profile fits the assessability profile and the conformal thresholds from that.
cd "${root}"
./mvnw -q -B -DskipTests install -pl training -am
java -cp "training/target/classes:$(./mvnw -q -B -pl training dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=runtime)" \
    org.cytotriage.training.ProfileCommand --model=models/thyroideffi-basic --model=models/thyroideffi-premium \
    --model=models/mobilenetv2-160 --limit=800 --out="${data}/profiles" \
    --data="train=${data}/site-a:train+val,holdout-a=${data}/holdout-a:test,holdout-b=${data}/holdout-b:test"
cd training
/usr/bin/python3 -B -m cytotriage_training.profile --models "${root}/models" --dumps "${data}/profiles" \
    --site holdout-a=siteA --site holdout-b=siteB thyroideffi-basic thyroideffi-premium mobilenetv2-160
