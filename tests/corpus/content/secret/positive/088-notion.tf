provider "acme" {
  region = "eu-west-1"
  notion_token = "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"
}
