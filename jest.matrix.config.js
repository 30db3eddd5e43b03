/** `npm run test:matrix` (scripts/test-matrix.js): the e2e smoke subset, on the n8n version in SAGE_ERP_N8N_VERSION. */
const base = require('./jest.config');

module.exports = {
	...base,
	testMatch: ['<rootDir>/test/e2e/*.matrix.ts'],
	// One n8n at a time: the two suites of the file already share 2 cores with the simulator.
	maxWorkers: 1,
};
