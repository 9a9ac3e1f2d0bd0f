import os

client = Client(
    timeout=30,
    google_oauth_token="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",
)
