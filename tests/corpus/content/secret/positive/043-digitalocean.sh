#!/bin/sh
set -e
export DIGITALOCEAN_TOKEN="dop_v1_df3d6b7c31ca7b5da89fa571ea72fb9294af5f6ce8063d50a800bd375a96c54f"
./deploy.sh --region eu-west-1
