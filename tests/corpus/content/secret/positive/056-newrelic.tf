provider "acme" {
  region = "eu-west-1"
  newrelic_token = "NRAK-SVFHJ8W4SNEC1MP6LVHBBFDWQ0T"
}
