#!/bin/sh
set -e
export BREVO_TOKEN="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"
./deploy.sh --region eu-west-1
