#!/bin/sh
# Installs the production dependencies from package-lock.json into ./node_modules, exactly as the
# image does (deploy/Dockerfile runs this script; test/integration/imageStart.test.ts runs it too).
#
# botframework-webchat is a dependency only for its prebuilt browser bundle, which the service
# serves at /vendor/webchat.js. Node never loads its ~480 MB of React and speech packages, so they
# are left out of the install and only the bundle (with its licence notice and package.json) is
# unpacked from the very tarball the lockfile pins, its digest checked: node_modules is about
# 230 MB instead of 710 MB.
set -eu

pinned=$(node -p 'const p = require("./package-lock.json").packages["node_modules/botframework-webchat"]; p.version + " " + p.integrity')
version=${pinned%% *}
integrity=${pinned#* }

npm uninstall --package-lock-only --no-audit --no-fund botframework-webchat
npm ci --omit=dev --no-audit --no-fund

tmp=$(mktemp -d)
got=$(npm pack --json --pack-destination "$tmp" "botframework-webchat@$version" | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s)[0].integrity));')
if [ "$got" != "$integrity" ]; then
  echo "botframework-webchat@$version: the tarball's digest is $got, package-lock.json says $integrity" >&2
  exit 1
fi
mkdir -p node_modules/botframework-webchat
tar -xzf "$tmp/botframework-webchat-$version.tgz" -C node_modules/botframework-webchat --strip-components=1 \
  package/package.json package/dist/webchat.js package/dist/webchat.js.LICENSE.txt
rm -rf "$tmp"
chmod -R a+rX node_modules
