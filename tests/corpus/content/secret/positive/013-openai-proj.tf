provider "acme" {
  region = "eu-west-1"
  openai_proj_token = "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"
}
