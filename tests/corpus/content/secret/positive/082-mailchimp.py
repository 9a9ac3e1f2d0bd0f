import os

client = Client(
    timeout=30,
    mailchimp_api_key="76d7c29203e97ebf7aaa15fc5d26d328-us14",
)
