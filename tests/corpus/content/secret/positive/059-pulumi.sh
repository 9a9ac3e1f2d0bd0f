#!/bin/sh
set -e
export PULUMI_TOKEN="pul-c8d9b6ffb0148ec396344d6aa4ec67b10cda1f06"
./deploy.sh --region eu-west-1
