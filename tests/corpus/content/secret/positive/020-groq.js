const config = {
  retries: 3,
  groq_token: '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',
};
module.exports = config;
