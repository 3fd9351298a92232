#!/usr/bin/env bash
# Makes a development PKI with openssl: a CA, a server certificate and a client certificate
# (EC P-256, PKCS#8 keys, 30 days). For tests and local use only: production certificates come
# from your CA (cert-manager, Vault, ...). See docs/SECURITY.md.
#   tools/make-dev-certs.sh [OUT_DIR] [SERVER_NAME...]
# OUT_DIR defaults to ./dev-certs; SERVER_NAMEs (DNS names or IPs) are added to the server
# certificate besides localhost and 127.0.0.1. Writes:
#   ca.pem ca.key            the CA (trust ca.pem in clients: --ca ca.pem; server: tls.clientCa)
#   server.pem server.key    --tls-cert / --tls-key
#   client.pem client.key    a client certificate (CN=dev-client) for mutual TLS: --cert / --key
set -euo pipefail
OUT=${1:-dev-certs}
shift || true
DAYS=${DAYS:-30}
mkdir -p "$OUT"
cd "$OUT"
umask 077

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

key ca.key
openssl req -x509 -new -key ca.key -sha256 -days "$DAYS" -subj "/CN=classifier dev CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out ca.pem

san="DNS:localhost,IP:127.0.0.1"
for n in "$@"; do
  if [[ $n =~ ^[0-9.]+$ || $n == *:* ]]; then san="$san,IP:$n"; else san="$san,DNS:$n"; fi
done

# leaf NAME CN EXTENDED_KEY_USAGE [SAN]
leaf() {
  local name=$1 cn=$2 eku=$3 altnames=${4:-}
  key "$name.key"
  openssl req -new -key "$name.key" -subj "/O=classifier/CN=$cn" -out "$name.csr"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature"
    echo "extendedKeyUsage=$eku"
    if [ -n "$altnames" ]; then echo "subjectAltName=$altnames"; fi
  } >"$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 \
    -days "$DAYS" -extfile "$name.ext" -out "$name.pem" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}

leaf server "${1:-localhost}" serverAuth "$san"
leaf client dev-client clientAuth
rm -f ca.srl
chmod 644 ca.pem server.pem client.pem
echo "wrote $(pwd): ca.pem ca.key server.pem server.key client.pem client.key"
echo "client certificate subject (for security.auth.certificateIdentities): $(openssl x509 -in client.pem -noout -subject -nameopt RFC2253 | sed 's/^subject=//')"
