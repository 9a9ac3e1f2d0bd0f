const config = {
  retries: 3,
  figma_token: 'figd_4NRqFrgj6To8OT3A5vODs0UCEno3dlOyAnCdmPCl',
};
module.exports = config;
