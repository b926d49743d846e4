#!/usr/bin/env bash
# Installs the CCDSVM unit agent on a Debian host, enrols it with a station and starts it:
#
#   sudo deploy/agent/install.sh URL TOKEN FINGERPRINT [--name NAME] [--deb FILE] [--root DIR] [--dry-run]
#
#   URL          the station's address, e.g. https://station.example.net:5080
#   TOKEN        a one-time enrolment token (the console's "Enrol a unit", or POST /api/v1/enrolments)
#   FINGERPRINT  the station certificate's SHA-256 fingerprint (64 hex digits, colons allowed; several
#                comma-separated), as the enrolment dialog shows it and the station prints at start
#   --name NAME  the unit's name (lower-case letters, digits, dashes); default: this host's name, lower-cased
#   --deb FILE   the agent package; default: $CCDSVM_AGENT_DEB, else the newest ccdsvm-agent_*.deb next to this
#                script or in the current directory
#   --root DIR   install into another root directory (dpkg --root, maintainer scripts run against DIR through
#                DPKG_ROOT): writes DIR/etc/ccdsvm/agent.env and enables the service there, starts nothing. For
#                image builds and tests.
#   --dry-run    check everything and print what would be done; change nothing
#
# Steps: install the package (apt-get install ./FILE, which brings its dependencies; dpkg -i without apt), write
# /etc/ccdsvm/agent.env (root only: station URL, name, token, fingerprint), `systemctl enable --now
# ccdsvm-agent`, wait until the agent has enrolled (its state/enrolment.json), then drop the used token from
# agent.env. Exit codes: 0 done, 2 bad arguments, 3 missing prerequisite, 1 a step failed.
set -euo pipefail

usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "install.sh: $1" >&2; exit "${2:-1}"; }
bad() { echo "install.sh: $1" >&2; echo "usage: $0 URL TOKEN FINGERPRINT [--name NAME] [--deb FILE] [--root DIR] [--dry-run] (--help for more)" >&2; exit 2; }

positional=() name="" deb=${CCDSVM_AGENT_DEB:-} root="" dry_run=false
while (($#)); do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --dry-run) dry_run=true ;;
        --name|--deb|--root)
            (($# >= 2)) || bad "$1 needs a value"
            case "$1" in --name) name=$2 ;; --deb) deb=$2 ;; --root) root=$2 ;; esac
            shift ;;
        --) shift; positional+=("$@"); break ;;
        # An enrolment token is base64url and may begin with a dash: only option-like words are options.
        -*) [[ "$1" =~ ^--?[a-z][a-z-]*$ ]] && bad "unknown option $1"
            positional+=("$1") ;;
        *) positional+=("$1") ;;
    esac
    shift
done
((${#positional[@]} == 3)) || bad "expected 3 arguments URL TOKEN FINGERPRINT, got ${#positional[@]}"
url=${positional[0]} token=${positional[1]} fingerprint=${positional[2]}

# The station URL: http(s)://host[:port][/path], nothing that would break the environment file.
url_re='^https?://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$'
[[ "$url" =~ $url_re ]] \
    || bad "URL '$url' is not a station address such as https://station.example.net:5080"
[[ "$url" == https://* ]] || echo "install.sh: warning: $url is plain HTTP; the station serves HTTPS unless Station:AllowInsecureHttp is set" >&2
[[ -n "$token" ]] || bad "TOKEN is empty: ask an administrator for a one-time enrolment token (the console's 'Enrol a unit' button)"
[[ "$token" =~ ^[A-Za-z0-9._~+/=-]{8,512}$ ]] \
    || bad "TOKEN is not an enrolment token (expected 8 to 512 letters, digits or . _ ~ + / = -): copy it whole from the enrolment dialog"
# One or more SHA-256 fingerprints, comma-separated, each 64 hex digits with optional colons and "SHA256:" prefix.
IFS=',' read -r -a pins <<< "$fingerprint"
((${#pins[@]} > 0)) || bad "FINGERPRINT is empty: give the station's SHA-256 fingerprint as the enrolment dialog shows it"
for pin in "${pins[@]}"; do
    hex=${pin#[Ss][Hh][Aa]256:}
    hex=${hex//:/}
    [[ "$hex" =~ ^[0-9A-Fa-f]{64}$ ]] \
        || bad "FINGERPRINT '$pin' is not a SHA-256 fingerprint: expected 64 hex digits (colons allowed), as the station prints at start"
done
if [[ -z "$name" ]]; then name=$(hostname | tr '[:upper:]' '[:lower:]'); fi
[[ "$name" =~ ^[a-z0-9-]{1,63}$ ]] || bad "unit name '$name' must be 1 to 63 lower-case letters, digits and dashes (give --name)"

if [[ -z "$deb" ]]; then
    here=$(cd "$(dirname "$0")" && pwd)
    candidates=()
    for candidate in "$here"/ccdsvm-agent_*.deb ./ccdsvm-agent_*.deb; do [[ -f "$candidate" ]] && candidates+=("$candidate"); done
    deb=""
    if ((${#candidates[@]} > 0)); then deb=$(printf '%s\n' "${candidates[@]}" | sort -V | tail -n 1); fi
    [[ -n "$deb" ]] || die "no ccdsvm-agent_*.deb next to $0 or in $(pwd): give --deb FILE or CCDSVM_AGENT_DEB (build it with deploy/packaging/build-debs.sh)" 3
fi
[[ -f "$deb" ]] || die "the agent package $deb does not exist" 3
deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
if [[ -n "$root" ]]; then
    [[ -d "$root" ]] || die "--root $root is not a directory" 2
    root=$(cd "$root" && pwd)
    [[ "$root" != / ]] || root=""
fi
if ! $dry_run && [[ $(id -u) -ne 0 ]]; then die "must run as root (it installs a package and a system service): sudo $0 ..." 3; fi

# run CMD...: runs it, or prints it under --dry-run.
run() {
    if $dry_run; then echo "would run: $*"; else echo "+ $*"; "$@"; fi
}

env_file="$root/etc/ccdsvm/agent.env"
state="$root/var/lib/ccdsvm/agent/state/enrolment.json"

# 1. The package.
if [[ -n "$root" ]]; then
    # dpkg's database in the other root, made if it is a bare directory. Dependencies are the target's business.
    run mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
    run touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
    run dpkg --root="$root" --force-script-chrootless --force-depends -i "$deb"
elif command -v apt-get >/dev/null; then
    # With its recommends: btrfs-progs, xfsprogs and mdadm, which the storage kinds run.
    run env DEBIAN_FRONTEND=noninteractive apt-get install -y "$deb"
else
    run dpkg -i "$deb"
fi

# 2. agent.env: the lines this script owns are replaced, anything else an administrator added is kept.
# The token goes in the environment (not the command line, where ps would show it); the fingerprint on the
# command line as --fingerprint (the unit passes CCDSVM_AGENT_ARGS).
new_env=$(
    if [[ -f "$env_file" ]]; then grep -v -E '^(Agent__StationUrl|Agent__Name|Agent__EnrolToken|CCDSVM_AGENT_ARGS)=' "$env_file" || true; fi
    echo "Agent__StationUrl=$url"
    echo "Agent__Name=$name"
    echo "Agent__EnrolToken=$token"
    echo "CCDSVM_AGENT_ARGS=--fingerprint $fingerprint"
)
if $dry_run; then
    echo "would write $env_file (mode 0600):"
    sed -e 's/^\(Agent__EnrolToken=\).*/\1(the token)/' -e 's/^/    /' <<< "$new_env"
else
    install -d -m 0755 "$(dirname "$env_file")"
    (umask 077 && printf '%s\n' "$new_env" > "$env_file.new")
    mv -f "$env_file.new" "$env_file"
    echo "+ wrote $env_file (mode 0600)"
fi

# 3. Enable and start; wait for the enrolment.
if [[ -n "$root" ]]; then
    run systemctl --root="$root" enable ccdsvm-agent.service
    echo "install.sh: installed into $root; nothing started there. The agent enrols at its first start."
    exit 0
fi
if [[ ! -d /run/systemd/system ]]; then
    die "systemd is not running here: the package is installed and $env_file written; start /opt/ccdsvm/agent/Unit.Agent yourself" 3
fi
run systemctl daemon-reload
run systemctl enable ccdsvm-agent.service
run systemctl restart ccdsvm-agent.service
if $dry_run; then echo "would wait for $state, then remove Agent__EnrolToken from $env_file"; exit 0; fi
for _ in $(seq 1 60); do
    [[ -f "$state" ]] && break
    if ! systemctl is-active --quiet ccdsvm-agent.service && [[ $(systemctl show -p Result --value ccdsvm-agent.service) != success ]]; then break; fi
    sleep 1
done
if [[ ! -f "$state" ]]; then
    journalctl -u ccdsvm-agent.service -n 20 --no-pager >&2 || true
    die "the agent did not enrol within 60 s (its log is above; a refused token or fingerprint stops it): fix and run this again with a new token"
fi
sed -i '/^Agent__EnrolToken=/d' "$env_file"
echo "install.sh: unit $name enrolled with $url and running (systemctl status ccdsvm-agent); the used token was removed from $env_file"
