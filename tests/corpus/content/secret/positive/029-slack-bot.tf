provider "acme" {
  region = "eu-west-1"
  slack_bot_token = "xoxb-115114920862-5416514145661-4J4B2y6olvzWQ6TQ4EQ1yaYI"
}
