const config = {
  retries: 3,
  doppler_token: 'dp.st.70RdWL3dYf01JNjqskBxQMydKM7ZFpttMAgRyCdtCWU',
};
module.exports = config;
