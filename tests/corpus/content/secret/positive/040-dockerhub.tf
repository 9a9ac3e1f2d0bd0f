provider "acme" {
  region = "eu-west-1"
  dockerhub_token = "dckr_pat_dyCd9VsEDUnOykPI33Fpq1xhTe-"
}
