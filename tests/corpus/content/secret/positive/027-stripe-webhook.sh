#!/bin/sh
set -e
export STRIPE_WEBHOOK_TOKEN="whsec_DT59M5eRSdXfPBC8wVAhWSxaMw19RHaV"
./deploy.sh --region eu-west-1
