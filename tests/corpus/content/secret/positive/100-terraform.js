const config = {
  retries: 3,
  terraform_token: 'Q7bobZU0BGNYHg.atlasv1.q-SYoEbrGpDZWGiS3jmFb4hpSu9L-JqoucL3GlfQVyPnKpg3lurEMDpi-U72i7kEJsc',
};
module.exports = config;
