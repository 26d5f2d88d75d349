#!/usr/bin/env bash
# The deployment's checks, offline (./dev.sh test runs it; about 30 s): the Helm chart rendered with several value sets and
# each result validated (tools/chart-render, tests/deploy/validate_manifests.py), its merged values against
# values.schema.json, the chart's refusals of incomplete values, `docker compose config` of docker-compose.yml, and
# tests/deploy/check_repo.py (Dockerfiles, workflows and the docs refer to what the repository really has).
# Needs Debian's golang-go, golang-github-masterminds-sprig-dev, golang-gopkg-yaml.v3-dev, python3-kubernetes,
# python3-jsonschema and docker-compose (dev.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/../.."
CHART=charts/isocenter
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PY=/usr/bin/python3 # Debian's, with python3-kubernetes and python3-jsonschema (not a pyenv or venv python)
status=0
fail() { echo "deploy check FAILED: $*" >&2; status=1; }

echo "chart: building tools/chart-render"
GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="${GOCACHE:-$HOME/.cache/go-build}" go build -o "$WORK/chart-render" ./tools/chart-render

render() { # NAME ARGS...: renders the chart (strict: a missing key fails, as in helm lint --strict) into $WORK/NAME.yaml and
  # its merged values into $WORK/NAME.json
  local name=$1
  shift
  "$WORK/chart-render" "$CHART" --strict --name isocenter --namespace imaging --api-versions monitoring.coreos.com/v1 \
    --values-out "$WORK/$name.json" "$@" >"$WORK/$name.yaml"
}

# The value sets: the defaults and each of charts/isocenter/ci/*-values.yaml (external dependencies, GPU, ingress+TLS,
# autoscaling+PDB+ServiceMonitor). Secrets the operator brings are named with --external.
sets=(defaults)
for f in "$CHART"/ci/*-values.yaml; do sets+=("$f"); done
for set in "${sets[@]}"; do
  name=$(basename "$set" -values.yaml)
  if [ "$set" = defaults ]; then render "$name" || { fail "chart: rendering the defaults"; continue; }; else render "$name" -f "$set" || { fail "chart: rendering $set"; continue; }; fi
  $PY tests/deploy/validate_manifests.py "$WORK/$name.yaml" --external isocenter-external || fail "chart: manifests of $name"
  $PY tests/deploy/check_values.py "$CHART/values.schema.json" "$WORK/$name.json" || fail "chart: values of $name against values.schema.json"
done

# The validators must see faults: a broken manifest and values outside the schema.
if $PY tests/deploy/validate_manifests.py tests/deploy/broken-manifests.yaml >"$WORK/broken.out" 2>&1; then
  fail "validate_manifests.py accepted tests/deploy/broken-manifests.yaml"
fi
for expected in "unknown field 'containerz'" "must not be \`None\`" "expected a string, got int 8080" "unknown apiVersion/kind" \
  "does not match the pod template" "names port http" "Secret nope is not rendered" "matches no pod template" "targetPort web"; do
  grep -qF "$expected" "$WORK/broken.out" || fail "validate_manifests.py did not report: $expected"
done
render bad-values --set render.accelerator=Gpu --set ingest.dicom.aeTitle=THIS-AE-TITLE-IS-TOO-LONG
if $PY tests/deploy/check_values.py "$CHART/values.schema.json" "$WORK/bad-values.json" >/dev/null 2>&1; then
  fail "values.schema.json accepted render.accelerator=Gpu and a 25-character AE title"
fi

# The chart refuses what would not start.
refuses() { # MESSAGE ARGS...
  local message=$1
  shift
  if render refused "$@" 2>"$WORK/refused.err"; then fail "chart rendered with $*"; fi
  grep -qF "$message" "$WORK/refused.err" || fail "chart with $*: expected '$message', got: $(cat "$WORK/refused.err")"
}
refuses "set an OIDC authority or keep developmentKey" --set gateway.auth.developmentKey=false
refuses "postgresql.host is required" --set postgresql.bundled=false
refuses "objectStore.endpoint is required" --set objectStore.bundled=false

echo "compose: docker-compose config"
docker-compose config -q || fail "docker-compose config"
if docker compose version >/dev/null 2>&1; then docker compose config -q || fail "docker compose config"; fi
docker-compose --profile gpu --profile tools config --services >"$WORK/compose-services"

$PY tests/deploy/check_repo.py "$WORK/compose-services" || fail "check_repo.py"

if ((status == 0)); then echo "deploy checks passed (${#sets[@]} value sets rendered and validated)"; fi
exit "$status"
