#!/bin/sh
set -e
export GRAFANA_TOKEN="glsa_7v16cIdV2RrDnWc9FYx0EuRZxweYXcSy_edaf1455"
./deploy.sh --region eu-west-1
