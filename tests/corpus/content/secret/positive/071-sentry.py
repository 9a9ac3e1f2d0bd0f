import os

client = Client(
    timeout=30,
    sentry_token="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",
)
