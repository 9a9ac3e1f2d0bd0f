import os

client = Client(
    timeout=30,
    xai_token="xai-GRTBuxCNYlTYSQ4MwvfDst9TWsFJN3tZNy2cEyL3rzEH8757DiUJ8vJAWQeoYYnFS7rsh2co6eK6HXtv",
)
