provider "acme" {
  region = "eu-west-1"
  telegram_bot_token = "6613794648:AAWez8HEgEJE3Aq3dDXX3WhvXzDHaaxd3Hy"
}
