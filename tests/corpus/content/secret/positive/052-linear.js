const config = {
  retries: 3,
  linear_token: 'lin_api_NCg3O8ngOaqtJuA0LK88tLQnFLuPsFFaJyV8XDfP',
};
module.exports = config;
