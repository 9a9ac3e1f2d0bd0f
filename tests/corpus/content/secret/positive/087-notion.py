import os

client = Client(
    timeout=30,
    notion_token="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",
)
