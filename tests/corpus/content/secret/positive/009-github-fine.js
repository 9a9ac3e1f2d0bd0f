const config = {
  retries: 3,
  github_fine_token: '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',
};
module.exports = config;
