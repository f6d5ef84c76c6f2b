# Debian packages fetched without touching the machine's apt setup: the machine's own Debian mirror, asked for the
# suites a build needs through a private apt folder. Sourced by hack/testbed and hack/images (they define log, die).

# The first .../debian URI of the machine's apt sources (deb822 or one-line format).
debian_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }
         /^deb / { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; break } }' "$f"
  done | sed 's#/$##' | grep -E '/debian$' | head -n1 || true
}

# A private apt folder that knows the given suites of the machine's own Debian mirror, so the machine's sources
# stay as they are; sets DEBIAN_APT_OPTS for apt-get calls against it.
debian_apt() {
  local apt=$1; shift
  command -v apt-get >/dev/null || die "apt-get is needed to fetch Debian packages"
  mkdir -p "$apt/lists/partial" "$apt/archives/partial"
  local mirror suite
  mirror=$(debian_mirror)
  [ -n "$mirror" ] || die "no Debian mirror in /etc/apt/sources.list*; the test bed fetches Debian packages from it"
  : >"$apt/sources.list"
  for suite in "$@"; do
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror%/} $suite main" >>"$apt/sources.list"
  done
  DEBIAN_APT_OPTS=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
                   -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache::Archives=$apt/archives"
                   -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o APT::Get::List-Cleanup=0
                   -o APT::Sandbox::User=root)
  apt-get "${DEBIAN_APT_OPTS[@]}" -qq update
}

