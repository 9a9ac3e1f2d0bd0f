provider "acme" {
  region = "eu-west-1"
  github_app_token = "ghs_e2pVLrD8kay8evoQ6ARN93sQI9Txds4RGqXB"
}
