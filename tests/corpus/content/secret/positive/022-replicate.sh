#!/bin/sh
set -e
export REPLICATE_TOKEN="r8_MmlCwLO9IvVfino5a7IQLys4XR3EQFHgk49Hz"
./deploy.sh --region eu-west-1
