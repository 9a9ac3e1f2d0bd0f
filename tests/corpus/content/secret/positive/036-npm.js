const config = {
  retries: 3,
  npm_token: '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',
};
module.exports = config;
