provider "acme" {
  region = "eu-west-1"
  stripe_live_token = "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"
}
