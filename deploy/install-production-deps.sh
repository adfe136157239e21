#!/bin/sh
# Installs the production dependencies from package-lock.json into ./node_modules, exactly as the
# image does (deploy/Dockerfile runs this script; test/integration/imageStart.test.ts runs it too).
#
# botframework-webchat is a dependency only for its prebuilt browser bundle, which the service
# serves at /vendor/webchat.js. Node never loads its ~400 MB of React and speech packages, so this
# keeps the bundle (with its licence notice and package.json) and drops the rest: node_modules goes
# from about 710 MB to about 230 MB.
set -eu

npm ci --omit=dev --no-audit --no-fund

keep=$(mktemp -d)
cp node_modules/botframework-webchat/package.json \
   node_modules/botframework-webchat/dist/webchat.js \
   node_modules/botframework-webchat/dist/webchat.js.LICENSE.txt "$keep"/
npm uninstall --no-save --omit=dev --no-audit --no-fund botframework-webchat
# The uninstall lays the tree out again, bringing back the duplicate copies that
# botbuilder-dialogs' postinstall removes; run that postinstall again.
npm rebuild botbuilder-dialogs
mkdir -p node_modules/botframework-webchat/dist
mv "$keep"/package.json node_modules/botframework-webchat/
mv "$keep"/webchat.js "$keep"/webchat.js.LICENSE.txt node_modules/botframework-webchat/dist/
rmdir "$keep"
chmod -R a+rX node_modules
