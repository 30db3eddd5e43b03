/** Every suite runs against the Sage ERP simulator on loopback; none reaches the internet. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { diagnostics: false }],
	},
	globalSetup: '<rootDir>/test/setup/built.ts',
	setupFilesAfterEnv: ['<rootDir>/test/setup/secret-guard.ts'],
	testTimeout: 60000,
	maxWorkers: 2,
	detectOpenHandles: false,
};
