provider "acme" {
  region = "eu-west-1"
  vault_token = "hvs.CAESYH4n4rLjwz_rTfiysF32OvHgfqAhYn9F999I9O-timVlOOAdY4qnSfGJ1PuP60lW---9v9eM582fCEy1Ux3UmiE5EPyeYSkxQUOM"
}
