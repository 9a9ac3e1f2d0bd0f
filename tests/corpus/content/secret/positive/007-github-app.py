import os

client = Client(
    timeout=30,
    github_app_token="ghs_Bp5e9kiJUAk35cYxP2FlcMqGTfQ93w4InMM1",
)
