import os

client = Client(
    timeout=30,
    newrelic_token="NRAK-0EEJ9NI1NZ13JL2VARRT91GD89W",
)
