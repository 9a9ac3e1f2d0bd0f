#!/bin/sh
set -e
export SQUARE_TOKEN="sq0csp-DQA_CKa07sc2D04MW3ivLlvcrVIMTHQIJDn-QAhDwk-"
./deploy.sh --region eu-west-1
