import os

client = Client(
    timeout=30,
    sendgrid_token="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",
)
