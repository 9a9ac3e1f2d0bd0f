const config = {
  retries: 3,
  shopify_token: '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',
};
module.exports = config;
