import os

client = Client(
    timeout=30,
    dockerhub_token="dckr_pat_fN5tsn0EXoBC0edxHJkcZAts0wz",
)
