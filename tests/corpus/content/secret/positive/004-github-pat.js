const config = {
  retries: 3,
  github_pat_token: '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',
};
module.exports = config;
