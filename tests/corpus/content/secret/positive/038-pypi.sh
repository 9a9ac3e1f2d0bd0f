#!/bin/sh
set -e
export PYPI_TOKEN="pypi-AgEIcHlwaS5vcmcNxCiy1c1LKdmZyhHOvOD2-Nb3PYKZpYAjdEV2TZmuW8zo_Jpz7o5PXgMltKnT7aTr_zMxz_uUUfSIAFvx1I1_HE58suNF2gthSK--f6e1-5QOWZcTUu8-zTgrXRkt0eFJUeaUjVbDzWFY5IDCucISe"
./deploy.sh --region eu-west-1
