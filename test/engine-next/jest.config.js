/**
 * `npm run test:engine-next` (scripts/test-engine-next.js): the in-process engine suites on the
 * newest n8n-workflow / n8n-core of this folder's package.json, under Node.js 24.
 *
 * Every import of n8n's packages resolves to this folder's node_modules: the tests', the
 * harness's, and the built bundle's own `require('n8n-workflow')` (dist/ is loaded by n8n-core's
 * PackageDirectoryLoader through jest's module registry, so resolver.js applies to it too). One
 * copy of each package matters beyond the version: `instanceof` checks (NodeApiError,
 * VersionedNodeType) and the DI container only work when the package and the engine share it.
 */
const path = require('path');

const base = require('../../jest.config');

module.exports = {
	...base,
	rootDir: path.resolve(__dirname, '..', '..'),
	testMatch: [
		'<rootDir>/test/node/**/*.test.ts',
		'<rootDir>/test/trigger/**/*.test.ts',
		'<rootDir>/test/credential/**/*.test.ts',
		'<rootDir>/test/reliability/**/*.test.ts',
		'<rootDir>/test/engine-harness.test.ts',
	],
	resolver: path.join(__dirname, 'resolver.js'),
	// Expressions in isolated-vm, as the n8n server of these versions evaluates them.
	setupFilesAfterEnv: [
		...base.setupFilesAfterEnv,
		'<rootDir>/test/helpers/engine/expression-engine.ts',
	],
	maxWorkers: 2,
};
