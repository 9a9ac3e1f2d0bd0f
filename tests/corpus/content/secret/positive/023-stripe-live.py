import os

client = Client(
    timeout=30,
    stripe_live_token="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",
)
