#!/usr/bin/env bash
# Makes a self-signed certificate for local use of the cluster (https://localhost:8443).
# Usage: deploy/tls/make-cert.sh [out-dir] [extra host names...]
# Writes out-dir/cert.pem and out-dir/key.pem (default out-dir: .cluster/tls), valid 30 days,
# for localhost, 127.0.0.1 and ::1 plus any names given. Browsers will warn until you trust it;
# node clients can trust it with NODE_EXTRA_CA_CERTS=out-dir/cert.pem. Real deployments use a
# real certificate (docs/DEPLOY.md).
# The key is ECDSA P-256, not RSA: nginx signs once per TLS handshake, and an RSA-2048 signature
# costs about 0.8 ms of CPU against 0.03 ms (openssl speed on the development machine): at 1,000
# new players a second that is most of a core.
set -euo pipefail
out="${1:-.cluster/tls}"
shift || true
san="DNS:localhost,IP:127.0.0.1,IP:::1"
for name in "$@"; do san="$san,DNS:$name"; done
mkdir -p "$out"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -sha256 -days 30 \
  -subj "/CN=localhost/O=Tick Arena local" \
  -addext "subjectAltName=$san" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -keyout "$out/key.pem" -out "$out/cert.pem" 2>/dev/null
chmod 600 "$out/key.pem"
echo "wrote $out/cert.pem and $out/key.pem ($san)"
