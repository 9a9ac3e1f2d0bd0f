const config = {
  retries: 3,
  openrouter_token: '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',
};
module.exports = config;
