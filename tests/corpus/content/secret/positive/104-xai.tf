provider "acme" {
  region = "eu-west-1"
  xai_token = "xai-thiEhV8H1a5NSoIF36tdGJRBmqrqVUFUU7Dchl6ufqMpvC8wN57FXYjFekdfjyPD2bIbbKj3PZ3sddsU"
}
