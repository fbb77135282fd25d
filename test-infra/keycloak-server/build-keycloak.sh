#!/usr/bin/env bash
# Builds the unpacked Keycloak once for how real-infra runs it (kc.sh build: Keycloak's own
# re-augmentation, about 45 s): a dev-file (H2) database, the health endpoints and local caches
# (no cluster: two test runs side by side would find each other on JGroups' fixed ports). A home that was
# built with these options is left alone, so a repeated `mvn package` costs nothing.
set -euo pipefail
home="$1"
options="--db=dev-file --health-enabled=true --cache=local"
marker="$home/lib/quarkus/cytotriage-build-options"
if [ -f "$marker" ] && [ "$(cat "$marker")" = "$options" ]; then
  echo "Keycloak in $home already built with: $options"
  exit 0
fi
# kc.sh runs the java on PATH unless JAVA_HOME says otherwise: the build's own JDK.
export JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
"$home/bin/kc.sh" build $options
echo "$options" > "$marker"
