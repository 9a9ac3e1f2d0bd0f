provider "acme" {
  region = "eu-west-1"
  databricks_token = "dapi8ef52eb287723a0252df32235e862181"
}
