#!/bin/sh
set -e
export POSTMAN_TOKEN="PMAK-4b76e57ff477497ad5159fe1-88f9102766f86576a5ce0b535bc5d70e87"
./deploy.sh --region eu-west-1
