#!/bin/sh
set -e
export LANGSMITH_TOKEN="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"
./deploy.sh --region eu-west-1
