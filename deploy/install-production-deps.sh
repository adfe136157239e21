#!/bin/sh
# Installs the production dependencies from package-lock.json into ./node_modules, exactly as the
# image does (deploy/Dockerfile runs this script; test/integration/imageStart.test.ts runs it too).
#
# botframework-webchat is needed only to build the chat page's assets (dist/web, made in the
# image's build stage); Node never loads it or its ~480 MB of React and speech packages at run
# time, so it is left out: node_modules is about 230 MB instead of 710 MB.
set -eu

npm uninstall --package-lock-only --no-audit --no-fund botframework-webchat
npm ci --omit=dev --no-audit --no-fund
chmod -R a+rX node_modules
