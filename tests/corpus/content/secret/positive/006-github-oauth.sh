#!/bin/sh
set -e
export GITHUB_OAUTH_TOKEN="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"
./deploy.sh --region eu-west-1
