#!/bin/sh
set -e
export NETLIFY_TOKEN="nfp_3Fl8SgZhNRx991jxOcc3SeBrLD9y2AXSPR8z"
./deploy.sh --region eu-west-1
