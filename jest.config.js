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
	// A guard against a hung test, not a judge of speed: generous enough that a busy 2-core
	// machine (a load average of 17 was seen) never fails a test that would pass on an idle one.
	// Speed is measured in bench/, never asserted here.
	testTimeout: 10 * 60 * 1000,
	maxWorkers: 2,
	detectOpenHandles: false,
};
