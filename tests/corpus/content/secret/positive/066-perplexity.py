import os

client = Client(
    timeout=30,
    perplexity_token="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",
)
