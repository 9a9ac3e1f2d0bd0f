provider "acme" {
  region = "eu-west-1"
  flyio_token = "fo1_WXBaHPwRx8UPTMaTd_eJaDH1FhRXjEQRmWqVq18oDur"
}
