import os

client = Client(
    timeout=30,
    aws_access_key_id="AKIA2RLYKEI4IIAANNKK",
)
