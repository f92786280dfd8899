#!/usr/bin/env bash
# make_pki.sh — certificates, CRLs, passwords and the operators' ACL for the JMC broker.
#
# Creates (or extends: it is safe to run again on the same OUTDIR) three CAs, the broker's
# server certificate, one client certificate per field device and per phone-app install, the
# CRLs, random passwords for consoles / kiosks / the order interchange, the hashed password file
# and the ACL of the operators' listener. See README.md in this directory.
set -euo pipefail
umask 077

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
org="Taiwan Customs JMC"
id_re='^[A-Z0-9][A-Z0-9-]{0,31}$' # devices and apps (protocol §3)
console_re='^console-[a-z0-9][a-z0-9-]{0,39}$'
kiosk_re='^kiosk-(keelung|taipei|taichung|kaohsiung)-[a-z0-9][a-z0-9-]{0,39}$'
interchange_re='^[a-z][a-z0-9-]{0,39}$'

usage() { # usage [STATUS]: the help text, on stdout for -h, else on stderr
    [ "${1:-2}" = 0 ] || exec >&2
    cat <<'EOF'
usage: make_pki.sh OUTDIR [options]

  --devices ID,...       field devices (OBUs, active seals, gate systems): one client certificate
                         each, CN = the id ([A-Z0-9-], 1-32 chars, e.g. OBU-KL-77,VS-KL-77,GATE-KL-1)
  --apps ID,...          NFC phone-app installs: one client certificate each (same id rules)
  --consoles NAME,...    console accounts: console-<name> (lower case), password
  --kiosks NAME,...      kiosk accounts: kiosk-<region>-<name>, password
  --interchange NAME     the transport-order interchange account (e.g. interchange), password
  --hostname HOST,...    extra DNS names / IP addresses of the broker (localhost and 127.0.0.1
                         are always in the server certificate)
  --days N               validity of new server and client certificates (default 825)
  --crl-days N           validity of the CRLs; re-run before they expire (default 30)
  --revoke ID,...        revoke the client certificates of these devices / apps
  -h, --help             this text

Existing CAs, certificates and passwords in OUTDIR are kept; only what is missing is created.
Every run re-issues both CRLs and regenerates broker/passwd and broker/acl.operators from
OUTDIR/passwords.txt (the deployment's list of accounts). Layout:
  OUTDIR/ca/         the CAs' keys and databases: keep offline, back up
  OUTDIR/broker/     copy to /etc/jmc/broker/ on the broker host
  OUTDIR/clients/    server-ca.crt for every client, ID.crt + ID.key for each device and app
  OUTDIR/passwords.txt   "username password" for each account (0600): hand out, then guard
EOF
    exit "${1:-2}"
}

die() {
    echo "make_pki.sh: $*" >&2
    exit 1
}

# ---------------------------------------------------------------------------- arguments --

[ $# -ge 1 ] || usage
case "$1" in -h | --help) usage 0 ;; -*) echo "make_pki.sh: OUTDIR comes first" >&2 && usage ;; esac
outdir="$1"
shift
devices="" apps="" consoles="" kiosks="" interchange="" hostnames="" revoke=""
days=825 crl_days=30
while [ $# -gt 0 ]; do
    case "$1" in -h | --help) usage 0 ;; esac
    [ $# -ge 2 ] || { echo "make_pki.sh: $1 needs a value" >&2 && usage; }
    case "$1" in
        --devices) devices="$2" ;;
        --apps) apps="$2" ;;
        --consoles) consoles="$2" ;;
        --kiosks) kiosks="$2" ;;
        --interchange) interchange="$2" ;;
        --hostname) hostnames="$2" ;;
        --days) days="$2" ;;
        --crl-days) crl_days="$2" ;;
        --revoke) revoke="$2" ;;
        *) echo "make_pki.sh: unknown option $1" >&2 && usage ;;
    esac
    shift 2
done

split() { tr ',' '\n' <<<"$1" | sed '/^$/d'; }
check_all() { # check_all REGEX WHAT LIST
    local item
    while IFS= read -r item; do
        [[ "$item" =~ $1 ]] || die "bad $2 '$item' (must match $1)"
    done < <(split "$3")
}
quiet() { # quiet COMMAND...: run it, show its output only if it fails
    local out
    out="$("$@" 2>&1)" || { echo "$out" >&2; die "failed: $*"; }
}
[[ "$days" =~ ^[1-9][0-9]{0,4}$ ]] || die "--days must be a positive number of days"
[[ "$crl_days" =~ ^[1-9][0-9]{0,3}$ ]] || die "--crl-days must be a positive number of days"
check_all "$id_re" "device id" "$devices"
check_all "$id_re" "app id" "$apps"
check_all "$console_re" "console account" "$consoles"
check_all "$kiosk_re" "kiosk account" "$kiosks"
check_all "$interchange_re" "interchange account" "$interchange"
case "$interchange" in console-* | kiosk-*) die "the interchange account may not be named like a console or kiosk" ;; esac
[ "$(split "$interchange" | wc -l)" -le 1 ] || die "--interchange takes one account"
check_all '^[A-Za-z0-9.:-]{1,253}$' "hostname" "$hostnames"
check_all "$id_re" "id to revoke" "$revoke"
dupes="$( (split "$devices" && split "$apps") | sort | uniq -d)"
[ -z "$dupes" ] || die "ids used twice (the broker's client ids must be unique): $dupes"
for tool in openssl mosquitto_passwd; do
    command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install openssl mosquitto)"
done
if [ -z "$consoles" ] && ! grep -qs '^console-' "$outdir/passwords.txt"; then
    die "the deployment needs at least one console account (--consoles console-1)"
fi

mkdir -p "$outdir"
outdir="$(cd "$outdir" && pwd)"
mkdir -p "$outdir/ca" "$outdir/broker" "$outdir/clients"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# ------------------------------------------------------------------------------- the CAs --

ca_config() { # ca_config DIR: the openssl config of the CA in DIR
    cat <<EOF
[ ca ]
default_ca = jmc_ca
[ jmc_ca ]
dir = $1
database = \$dir/index.txt
new_certs_dir = \$dir/issued
serial = \$dir/serial
crlnumber = \$dir/crlnumber
certificate = \$dir/ca.crt
private_key = \$dir/ca.key
default_md = sha256
policy = policy_cn
unique_subject = no
copy_extensions = none
crl_extensions = crl_ext
[ policy_cn ]
organizationName = optional
organizationalUnitName = optional
commonName = supplied
[ req ]
distinguished_name = dn
prompt = no
x509_extensions = ca_ext
[ dn ]
CN = unused
[ ca_ext ]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ client_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer
[ crl_ext ]
authorityKeyIdentifier = keyid:always
EOF
}

new_key() { # new_key FILE: an EC P-256 private key, 0600
    quiet openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"
    chmod 600 "$1"
}

issued() { # issued CA ID: whether the CA has a valid (not revoked) certificate for ID
    grep -q "^V.*/CN=$2\$" "$outdir/ca/$1/index.txt"
}

make_ca() { # make_ca NAME "Common Name"
    local dir="$outdir/ca/$1"
    [ -f "$dir/ca.crt" ] && return 0
    mkdir -p "$dir/issued"
    ca_config "$dir" >"$dir/openssl.cnf"
    : >"$dir/index.txt"
    echo 1000 >"$dir/serial"
    echo 1000 >"$dir/crlnumber"
    new_key "$dir/ca.key"
    quiet openssl req -x509 -new -config "$dir/openssl.cnf" -key "$dir/ca.key" -sha256 -days 3650 \
        -subj "/O=$org/CN=$2" -out "$dir/ca.crt"
    echo "created CA $1 ($2)"
}

issue() { # issue CA CN OU KEY CRT [EXTFILE]: sign a new key's certificate with the CA
    local dir="$outdir/ca/$1" csr="$tmp/request.csr"
    new_key "$4"
    quiet openssl req -new -config "$dir/openssl.cnf" -key "$4" -subj "/O=$org/OU=$3/CN=$2" -out "$csr"
    if [ $# -ge 6 ]; then
        quiet openssl ca -batch -config "$dir/openssl.cnf" -notext -days "$days" -in "$csr" -out "$5" \
            -extfile "$6" -extensions server_ext
    else
        quiet openssl ca -batch -config "$dir/openssl.cnf" -notext -days "$days" -in "$csr" -out "$5" \
            -extensions client_ext
    fi
    chmod 644 "$5"
}

make_ca server "JMC Broker Server CA"
make_ca device "JMC Field Device CA"
make_ca app "JMC Phone App CA"
cp "$outdir/ca/server/ca.crt" "$outdir/clients/server-ca.crt"
cp "$outdir/ca/device/ca.crt" "$outdir/broker/device-ca.crt"
cp "$outdir/ca/app/ca.crt" "$outdir/broker/app-ca.crt"
chmod 644 "$outdir/clients/server-ca.crt" "$outdir/broker/device-ca.crt" "$outdir/broker/app-ca.crt"

# ---------------------------------------------------------------------- certificates --

if [ ! -f "$outdir/broker/server.crt" ]; then
    san="DNS:localhost,IP:127.0.0.1"
    for host in $(split "$hostnames"); do
        if [[ "$host" =~ ^[0-9.]+$ || "$host" == *:* ]]; then san="$san,IP:$host"; else san="$san,DNS:$host"; fi
    done
    ext="$tmp/server.ext"
    printf '[ server_ext ]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid,issuer
subjectAltName = %s\n' "$san" >"$ext"
    cn="$(split "$hostnames" | head -n1)"
    issue server "${cn:-localhost}" broker "$outdir/broker/server.key" "$outdir/broker/server.crt" "$ext"
    echo "issued the server certificate for $san"
fi

for id in $(split "$devices"); do
    if [ -f "$outdir/clients/$id.crt" ]; then
        issued device "$id" || die "clients/$id.crt exists but is not a device certificate"
        continue
    fi
    issue device "$id" "field device" "$outdir/clients/$id.key" "$outdir/clients/$id.crt"
    echo "issued device certificate $id"
done
for id in $(split "$apps"); do
    if [ -f "$outdir/clients/$id.crt" ]; then
        issued app "$id" || die "clients/$id.crt exists but is not a phone-app certificate"
        continue
    fi
    issue app "$id" "phone app" "$outdir/clients/$id.key" "$outdir/clients/$id.crt"
    echo "issued phone-app certificate $id"
done

# -------------------------------------------------------------------- revocation, CRLs --

for id in $(split "$revoke"); do
    [ -f "$outdir/clients/$id.crt" ] || die "no certificate clients/$id.crt to revoke"
    ca=""
    for name in device app; do
        if issued "$name" "$id"; then ca="$name"; fi
    done
    [ -n "$ca" ] || die "clients/$id.crt was not issued by this OUTDIR's device or app CA"
    quiet openssl ca -batch -config "$outdir/ca/$ca/openssl.cnf" -revoke "$outdir/clients/$id.crt"
    serial="$(openssl x509 -in "$outdir/clients/$id.crt" -noout -serial | cut -d= -f2)"
    mkdir -p "$outdir/clients/revoked"
    mv "$outdir/clients/$id.crt" "$outdir/clients/revoked/$id.$serial.crt"
    [ ! -f "$outdir/clients/$id.key" ] || mv "$outdir/clients/$id.key" "$outdir/clients/revoked/$id.$serial.key"
    echo "revoked $id (serial $serial); a new certificate can be issued with --devices/--apps $id"
done

for name in device app; do
    quiet openssl ca -batch -gencrl -config "$outdir/ca/$name/openssl.cnf" -crldays "$crl_days" \
        -out "$outdir/broker/$name-ca.crl"
    chmod 644 "$outdir/broker/$name-ca.crl"
done

# ------------------------------------------------------------------- operator accounts --

passwords="$outdir/passwords.txt"
[ -f "$passwords" ] || : >"$passwords"
chmod 600 "$passwords"
for account in $(split "$consoles") $(split "$kiosks") $(split "$interchange"); do
    if ! cut -d' ' -f1 "$passwords" | grep -qxF "$account"; then
        echo "$account $(openssl rand -hex 16)" >>"$passwords"
        echo "created account $account"
    fi
done
while read -r account password; do
    case "$account" in
        console-*) re="$console_re" ;;
        kiosk-*) re="$kiosk_re" ;;
        *) re="$interchange_re" ;;
    esac
    [[ "$account" =~ $re && "$password" =~ ^[!-~]{16,}$ ]] || die "$passwords: bad line for account '$account'"
done <"$passwords"
cut -d' ' -f1 "$passwords" | grep -q '^console-' ||
    die "the deployment needs at least one console account (--consoles console-1)"

# The password file: plain "user:password" lines hashed in place by mosquitto_passwd -U, so no
# password ever appears on a command line (where ps and /proc/*/cmdline would show it).
plain="$tmp/passwd"
while read -r account password; do
    printf '%s:%s\n' "$account" "$password"
done <"$passwords" >"$plain"
mosquitto_passwd -U "$plain"
chmod 600 "$plain"
mv "$plain" "$outdir/broker/passwd"

{
    echo "# ACL of the operators' listener (consoles, kiosks, order interchange)."
    echo "# Generated by make_pki.sh from $passwords on $(date -u +%Y-%m-%dT%H:%M:%SZ);"
    echo "# do not edit: change passwords.txt (or the options) and run make_pki.sh again."
    echo "# Mosquitto cannot put wildcards in user names, hence one section per account."
    while read -r account _; do
        echo
        echo "user $account"
        case "$account" in
            console-*)
                echo "topic read jmc/v1/#"
                echo "topic write jmc/v1/+/ticket/+"
                echo "topic write jmc/v1/console/$account/status"
                ;;
            kiosk-*)
                region="$(cut -d- -f2 <<<"$account")"
                echo "topic read jmc/v1/$region/#"
                echo "topic write jmc/v1/$region/kiosk/$account/status"
                echo "topic write jmc/v1/$region/kiosk/$account/intercept"
                ;;
            *)
                echo "topic write jmc/v1/+/order/+"
                ;;
        esac
    done <"$passwords"
} >"$outdir/broker/acl.operators"

cp "$here/mosquitto.conf" "$here/acl" "$here/acl.apps" "$outdir/broker/"
chmod 644 "$outdir/broker/acl.operators" "$outdir/broker/mosquitto.conf" "$outdir/broker/acl" \
    "$outdir/broker/acl.apps"
echo "done: copy $outdir/broker/ to /etc/jmc/broker/ on the broker host (see README.md)"
