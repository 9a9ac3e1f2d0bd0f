import os

client = Client(
    timeout=30,
    hubspot_token="pat-na1-91fa5322-71c3-36b7-c881-f9f190263ef0",
)
