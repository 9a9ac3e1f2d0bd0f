import os

client = Client(
    timeout=30,
    huggingface_token="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",
)
