const config = {
  retries: 3,
  stripe_restricted_token: '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',
};
module.exports = config;
