provider "acme" {
  region = "eu-west-1"
  sentry_token = "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"
}
