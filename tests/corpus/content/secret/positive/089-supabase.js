const config = {
  retries: 3,
  supabase_token: 'sbp_ab9d607224c1108906525a6012a5d4b292647a85',
};
module.exports = config;
