#!/bin/sh
# The compose file's one-shot `certs` service: makes the deployment's CA and the certificates the
# other services need, once (what exists is kept, so `docker compose up` again changes nothing),
# and hands the shared volumes to the user the wayleave image runs as.
#
# It runs as root in the wayleave image (which has /bin/sh and /usr/local/bin/wayleave) because
# new named volumes belong to root. Certificates last 397 days: delete one and run
# `docker compose up certs` to issue it again.
#
# Usage: certs.sh PKI_DIR PROMETHEUS_TLS_DIR SECRETS_DIR CONTROLLER_DATA_DIR...
# (the compose file passes where it mounts each volume).
set -eu

if [ "$#" -lt 4 ]; then
  echo "usage: certs.sh PKI_DIR PROMETHEUS_TLS_DIR SECRETS_DIR CONTROLLER_DATA_DIR..." >&2
  exit 2
fi
pki="$1"
prom="$2"
secrets="$3"
shift 3
# The image's user (cli/pom.xml, wayleave.image.user) and prom/prometheus's (nobody).
app="${WAYLEAVE_UID:-65532}:${WAYLEAVE_GID:-65532}"
prometheus="${PROMETHEUS_UID:-65534}:${PROMETHEUS_GID:-65534}"

if [ ! -f "$pki/ca.key" ]; then
  wayleave certs init --dir "$pki"
fi

# issue ROLE NAME DIR [OPTION...]: DIR/ROLE-NAME.crt and .key, unless the certificate is there.
issue() {
  role="$1" name="$2" out="$3"
  shift 3
  if [ ! -f "$out/$role-$name.crt" ] || [ ! -f "$out/$role-$name.key" ]; then
    wayleave certs issue --dir "$pki" --role "$role" --name "$name" --out "$out" "$@"
  fi
}

# The controllers' server certificates name the addresses they listen on: agents, Prometheus and
# clients check them. The simulator issues its agents' certificates itself, from ca.key.
issue controller controller-1 "$pki" --ip 127.0.0.21
issue controller controller-2 "$pki" --ip 127.0.0.22
# An engineer's certificate, for `docker compose exec controller-1 wayleave get circuits ...`.
issue engineer admin "$pki"
# Prometheus reads /metrics as the NOC; its volume holds its key and the CA's certificate, never
# the CA's key.
issue noc prometheus "$prom"
cp "$pki/ca.crt" "$prom/ca.crt"

mkdir -p "$secrets" "$@"
chown -R "$app" "$pki" "$secrets" "$@"
chown -R "$prometheus" "$prom"
echo "certs: CA and certificates ready in $pki and $prom"
