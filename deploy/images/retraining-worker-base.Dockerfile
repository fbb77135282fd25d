# The base of the retraining worker's image: Debian 12 with its Java 17 and its PyTorch (the packages of
# training/requirements-debian.txt, the same the build's training runs use), curl for compose's health
# check, and training/'s cytotriage_training at /opt/cytotriage/training (the worker's TRAINING_DIR).
# The worker's own image is built on it by Jib like every service's (the container-images profile of
# the root pom; retraining-worker/pom.xml names this image as its quarkus.jib.base-jvm-image).
#
# Build it from training/ (the build context: nothing else is sent) before the worker's image, with
# each version, and push it where Jib pulls from:
#
#   docker build -f deploy/images/retraining-worker-base.Dockerfile -t REGISTRY/cytotriage/retraining-worker-base:0.1.0-SNAPSHOT training
#   docker push REGISTRY/cytotriage/retraining-worker-base:0.1.0-SNAPSHOT
#   ./mvnw -B package -DskipTests -Dcontainer-images -Dquarkus.container-image.registry=REGISTRY -Dquarkus.container-image.push=true \
#       -Dquarkus.jib.base-jvm-image=REGISTRY/cytotriage/retraining-worker-base:0.1.0-SNAPSHOT
#
# NOT FOR CLINICAL USE: the training code fine-tunes demonstration models on synthetic data.
FROM debian:bookworm-slim

COPY requirements-debian.txt /tmp/requirements-debian.txt
# pytest is for training/'s own tests, not for the worker.
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless curl ca-certificates \
      $(sed -e 's/#.*//' -e 's/[[:space:]]//g' /tmp/requirements-debian.txt | grep -v -e '^$' -e '^python3-pytest$') \
 && rm -rf /var/lib/apt/lists/* /tmp/requirements-debian.txt \
 && useradd --uid 185 --user-group --home-dir /home/jboss --create-home jboss

COPY cytotriage_training /opt/cytotriage/training/cytotriage_training

# Debian's interpreter (cytotriage.retraining.python, /usr/bin/python3) sees these packages; -B keeps
# __pycache__ out of the read-only training directory.
ENV HOME=/home/jboss \
    PYTHONDONTWRITEBYTECODE=1
USER 185
WORKDIR /home/jboss
