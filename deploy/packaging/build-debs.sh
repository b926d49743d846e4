#!/usr/bin/env bash
# Builds the two Debian packages from a self-contained `dotnet publish` (linux-x64, the .NET runtime inside, no
# /usr/bin/dotnet needed on the host):
#
#   deploy/packaging/build-debs.sh [OUTDIR]       default OUTDIR: artifacts/deb in the repository
#
#   OUTDIR/ccdsvm-station_VERSION_amd64.deb   the station (Console.Blazor), its co-hosted agent off, hardened unit
#   OUTDIR/ccdsvm-agent_VERSION_amd64.deb     the unit agent (Unit.Agent), for every host that storage work runs on
#
# VERSION comes from the file VERSION at the repository root (the one place; it is also passed to the build as
# -p:Version). Layout, maintainer scripts and hardening: docs/ops/packages.md.
#
# Environment:
#   CCDSVM_PUBLISH_DIR   keep the two publish outputs here (station/, agent/) and reuse them when they are already
#                        there: a test builds once per run. Default: a temporary directory, deleted at the end.
#   DEB_COMPRESSION      dpkg-deb -Z: gzip (default: a minute on two cores), xz (a quarter smaller, six times slower), zstd
#
# The build writes nothing into the source tree: objects and binaries go under the work directory
# (--artifacts-path), so a developer's or a test run's bin/ and obj/ are left alone.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
here="$repo/deploy/packaging"
out=${1:-$repo/artifacts/deb}
if (($# > 1)); then echo "usage: $0 [OUTDIR]" >&2; exit 2; fi

for tool in dotnet dpkg-deb; do
    command -v "$tool" >/dev/null || { echo "build-debs: $tool is missing (dpkg-deb: Debian package dpkg)" >&2; exit 3; }
done

version=$(tr -d '[:space:]' < "$repo/VERSION")
if [[ ! "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "build-debs: VERSION holds '$version', expected MAJOR.MINOR.PATCH" >&2
    exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ccdsvm-debs.XXXXXX")
trap 'rm -rf "$work"' EXIT
publish_dir=${CCDSVM_PUBLISH_DIR:-$work/publish}
mkdir -p "$out" "$publish_dir"
out=$(cd "$out" && pwd)

# publish PROJECT NAME: self-contained linux-x64 Release into $publish_dir/NAME, unless a finished one is there.
publish() {
    local project=$1 name=$2 apphost=$1
    local dest="$publish_dir/$name"
    if [[ -x "$dest/$apphost" && -f "$dest/.published" ]]; then
        echo "== $name: reusing $dest"
        return
    fi
    rm -rf "$dest"
    echo "== $name: dotnet publish $project -c Release -r linux-x64 --self-contained (version $version)"
    DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet publish "$repo/$project/$project.csproj" \
        -c Release -r linux-x64 --self-contained -p:Version="$version" \
        --artifacts-path "$work/artifacts" -o "$dest" -nologo -v:quiet
    [[ -x "$dest/$apphost" ]] || { echo "build-debs: $dest/$apphost was not made" >&2; exit 1; }
    touch "$dest/.published"
}

# stage PACKAGE KIND PUBLISHED APPHOST DEPENDS RECOMMENDS DESCRIPTION: the package's tree under $work/PACKAGE.
stage() {
    local package=$1 kind=$2 published=$3 apphost=$4 depends=$5 recommends=$6 description=$7
    local root="$work/$package"
    rm -rf "$root"
    mkdir -p "$root/DEBIAN" "$root/opt/ccdsvm" "$root/etc/ccdsvm" "$root/lib/systemd/system" "$root/usr/share/doc/$package"

    cp -a "$published" "$root/opt/ccdsvm/$kind"
    rm -f "$root/opt/ccdsvm/$kind/.published" "$root/opt/ccdsvm/$kind/appsettings.Development.json"
    # The configuration lives in /etc (a conffile); the program reads it as appsettings.Production.json from its
    # content root. Relative, so it resolves inside any root the package is unpacked into.
    install -m 0644 "$here/$kind/$kind.json" "$root/etc/ccdsvm/$kind.json"
    ln -s "../../../etc/ccdsvm/$kind.json" "$root/opt/ccdsvm/$kind/appsettings.Production.json"
    install -m 0644 "$repo/deploy/systemd/$package.service" "$root/lib/systemd/system/$package.service"
    install -m 0644 "$repo/docs/ops/packages.md" "$root/usr/share/doc/$package/packages.md"

    # Modes do not depend on the builder's umask: directories 0755, programs 0755, everything else 0644.
    find "$root" -type d -exec chmod 0755 {} +
    find "$root/opt" -type f -perm /111 -exec chmod 0755 {} +
    find "$root/opt" -type f ! -perm /111 -exec chmod 0644 {} +
    chmod 0755 "$root/opt/ccdsvm/$kind/$apphost"

    install -m 0644 "$here/$kind/DEBIAN/conffiles" "$root/DEBIAN/conffiles"
    for script in postinst prerm postrm; do install -m 0755 "$here/$kind/DEBIAN/$script" "$root/DEBIAN/$script"; done
    local size
    size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
    cat > "$root/DEBIAN/control" <<END
Package: $package
Version: $version
Architecture: amd64
Maintainer: CCDSVM fleet console <ccdsvm@localhost>
Installed-Size: $size
Depends: $depends
Recommends: $recommends
Section: admin
Priority: optional
Homepage: file:///usr/share/doc/$package/packages.md
Description: $description
END
    echo "== $package: dpkg-deb --build --root-owner-group"
    dpkg-deb -Z"${DEB_COMPRESSION:-gzip}" --build --root-owner-group "$root" "$out/${package}_${version}_amd64.deb" >/dev/null
    echo "$out/${package}_${version}_amd64.deb"
}

runtime_depends="libc6, libgcc-s1, libstdc++6, libicu72 | libicu76 | libicu74, libssl3 | libssl3t64, ca-certificates"

publish Console.Blazor station
publish Unit.Agent agent

stage ccdsvm-station station "$publish_dir/station" Console.Blazor \
    "$runtime_depends, passwd" "systemd" \
    "CCDSVM control management station
 Web console, REST API and agent hub of the CCDSVM fleet console, self-contained
 (.NET runtime included). Runs as the system user ccdsvm under a sandboxed
 systemd unit; data in /var/lib/ccdsvm/station, configuration in /etc/ccdsvm."
stage ccdsvm-agent agent "$publish_dir/agent" Unit.Agent \
    "$runtime_depends, mount, util-linux, fdisk, e2fsprogs" "systemd, btrfs-progs, xfsprogs, mdadm" \
    "CCDSVM unit agent
 Runs the storage and file work a CCDSVM station orders on this host, each
 order checked against a ticket signed by the station it enrolled with.
 Self-contained (.NET runtime included); data in /var/lib/ccdsvm/agent,
 configuration in /etc/ccdsvm."
