#!/usr/bin/env bash
# Builds the images the tests run, without the internet: Debian's static busybox, with a symlink
# per applet (sh, sleep, nc, httpd, ...), imported as a one-layer image. `docker import` needs no
# builder (BuildKit/buildx may be absent) and no base image. Idempotent: an image already present
# is kept.
set -euo pipefail

image=${BERTH_TEST_IMAGE:-berth-test/busybox:latest}

if docker image inspect "$image" >/dev/null 2>&1; then
  echo "test image $image: present"
  exit 0
fi

busybox=/bin/busybox
# ldd fails on a static binary: that is the one we want (a dynamic one would need libc inside).
is_static_busybox() { [ -x "$busybox" ] && ! ldd "$busybox" >/dev/null 2>&1; }
if ! is_static_busybox && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends busybox-static >/dev/null
fi
if ! is_static_busybox; then
  echo "a static $busybox is needed (Debian package busybox-static)" >&2
  exit 1
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,etc,tmp,var/www,root,home}
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
# Users for `user` in container specs ("nobody", "65534").
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
echo '<html><body>berth test</body></html>' >"$root/var/www/index.html"

tar -C "$root" --numeric-owner --owner=0 --group=0 -cf - . |
  docker import \
    --change 'ENV PATH=/bin' \
    --change 'CMD ["sh"]' \
    - "$image" >/dev/null
echo "test image $image: built from $("$busybox" | head -n 1 | cut -d' ' -f1-2)"
