const config = {
  retries: 3,
  twilio_api_key: 'SK5a84f32aa7f9ee063992b2158affd9ed',
};
module.exports = config;
