#!/bin/sh
set -e
export GITLAB_TOKEN="glpat-4rxim9QUl0ipZqEl4cCb"
./deploy.sh --region eu-west-1
