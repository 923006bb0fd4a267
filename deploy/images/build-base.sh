#!/usr/bin/env bash
# Builds a base image for the wayleave image without a Docker daemon or a container registry:
# Debian (debootstrap --variant=minbase) with Debian's headless Java 17 runtime, written as a
# `docker save`-format tarball that Jib takes as its base image (tar://).
#
#   sudo deploy/images/build-base.sh [OUT]        # default OUT: target/images/wayleave-base.tar
#   ./mvnw -B -ntp -Pimage -pl cli -am package -DskipTests \
#       -Djib.from.image=tar://$PWD/target/images/wayleave-base.tar
#
# Needs root (debootstrap chroots), debootstrap and a Debian mirror (DEBIAN_MIRROR, default
# http://deb.debian.org/debian; DEBIAN_SUITE, default bookworm). It works in a temporary
# directory and removes it, mounts included, however it ends. Only for machines that cannot pull
# the default base (an Eclipse Temurin 17 JRE); the wayleave image differs only in its base.
set -euo pipefail

suite="${DEBIAN_SUITE:-bookworm}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
tag="${BASE_TAG:-wayleave-base:${suite}-jre17}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/target/images/wayleave-base.tar}"

die() {
  echo "build-base: $*" >&2
  exit 1
}
[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap chroots into the new tree)"
command -v debootstrap >/dev/null 2>&1 || die "debootstrap is missing: apt-get install debootstrap"
for c in tar sha256sum chroot; do
  command -v "$c" >/dev/null 2>&1 || die "$c is missing"
done

work="$(mktemp -d "${TMPDIR:-/tmp}/wayleave-base.XXXXXX")"
cleanup() {
  # debootstrap mounts /proc and /sys in the tree; a failure can leave them mounted, and removing
  # the tree must never walk into them.
  if [ -d "$work" ]; then
    awk -v w="$work/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r |
      while read -r m; do umount -l "$m" || true; done
    rm -rf --one-file-system "$work"
  fi
}
trap cleanup EXIT

rootfs="$work/rootfs"
echo "build-base: debootstrap $suite from $mirror (a minute or two)" >&2
debootstrap --variant=minbase --include=openjdk-17-jre-headless "$suite" "$rootfs" "$mirror" >&2

arch="$(chroot "$rootfs" dpkg --print-architecture)"
java_home="/usr/lib/jvm/java-17-openjdk-$arch"
[ -x "$rootfs$java_home/bin/java" ] || die "no java in $java_home after debootstrap"
# java finds its libraries through /proc/self/exe: the check needs a /proc (a container has one).
mount -t proc proc "$rootfs/proc"
chroot "$rootfs" java -version >&2
umount "$rootfs/proc"

# What an image needs no copy of: package lists and caches, documentation, and the mount points'
# contents (the runtime provides /dev, /proc, /sys).
chroot "$rootfs" apt-get clean
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/log/* \
  "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
  "$rootfs"/tmp/* "$rootfs"/var/tmp/*
for d in dev proc sys run; do
  find "$rootfs/$d" -xdev -mindepth 1 -delete 2>/dev/null || true
done

# The image, as `docker save` writes it: manifest.json, the config, one layer.
img="$work/image"
mkdir -p "$img"
epoch="${SOURCE_DATE_EPOCH:-$(date +%s)}"
created="$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)"
tar --numeric-owner --one-file-system --sort=name --mtime="@$epoch" --xattrs --acls -C "$rootfs" -cf "$img/layer.tar" .
layer_sha="$(sha256sum "$img/layer.tar" | cut -d' ' -f1)"
mkdir "$img/$layer_sha"
mv "$img/layer.tar" "$img/$layer_sha/layer.tar"
echo "1.0" >"$img/$layer_sha/VERSION"

cat >"$img/config.json" <<EOF
{
  "architecture": "$arch",
  "os": "linux",
  "created": "$created",
  "config": {
    "Env": [
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "JAVA_HOME=$java_home",
      "LANG=C.UTF-8"
    ],
    "Cmd": ["/bin/sh"]
  },
  "rootfs": {"type": "layers", "diff_ids": ["sha256:$layer_sha"]},
  "history": [
    {
      "created": "$created",
      "created_by": "deploy/images/build-base.sh: debootstrap --variant=minbase $suite + openjdk-17-jre-headless"
    }
  ]
}
EOF
config_sha="$(sha256sum "$img/config.json" | cut -d' ' -f1)"
mv "$img/config.json" "$img/$config_sha.json"
cat >"$img/manifest.json" <<EOF
[{"Config": "$config_sha.json", "RepoTags": ["$tag"], "Layers": ["$layer_sha/layer.tar"]}]
EOF

mkdir -p "$(dirname "$out")"
tar --numeric-owner --sort=name --mtime="@$epoch" --owner=0 --group=0 -C "$img" -cf "$out.tmp" \
  manifest.json "$config_sha.json" "$layer_sha"
mv "$out.tmp" "$out"
echo "build-base: $out ($tag, $(du -h "$out" | cut -f1), layer sha256:$layer_sha)" >&2
echo "$out"
