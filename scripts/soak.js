#!/usr/bin/env node
'use strict';
/**
 * `npm run soak`: the fault soak at full size (10,000 operations by default) through the
 * Sage ERP node in the in-process n8n engine, against the simulator with random 429/503/
 * connection resets, token revocations and clock jumps (test/reliability/soak.ts).
 *
 * It builds the package (engine tests load dist/), runs test/reliability/soak.test.ts under
 * jest with SOAK_OPERATIONS set (so the secret guard and every assertion of the CI run apply
 * unchanged), then prints the figures the test wrote. Exit code: jest's.
 *
 * Options: --operations <n> (default 10000)  --seed <n>  --skip-build
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');

function parseArgs(argv) {
	const options = { operations: 10000, seed: undefined, build: true };
	for (let index = 0; index < argv.length; index++) {
		const name = argv[index];
		const number = () => {
			const value = argv[++index];
			if (value === undefined || !/^\d+$/.test(value)) fail(`${name} needs a whole number`);
			return Number(value);
		};
		if (name === '--operations') options.operations = number();
		else if (name === '--seed') options.seed = number();
		else if (name === '--skip-build') options.build = false;
		else if (name === '--help' || name === '-h') {
			process.stdout.write('npm run soak -- [--operations 10000] [--seed N] [--skip-build]\n');
			process.exit(0);
		} else fail(`unknown option ${name}`);
	}
	if (options.operations < 1) fail('--operations must be at least 1');
	return options;
}

function fail(message) {
	process.stderr.write(`soak: ${message}\n`);
	process.exit(2);
}

const options = parseArgs(process.argv.slice(2));
if (options.build) {
	const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
	if (build.status !== 0) process.exit(build.status ?? 1);
}

const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sage-erp-soak-'));
const report = path.join(reportDir, 'figures.json');
const env = { ...process.env, SOAK_OPERATIONS: String(options.operations), SOAK_REPORT: report };
if (options.seed !== undefined) env.SOAK_SEED = String(options.seed);
const jest = require.resolve('jest/bin/jest', { paths: [ROOT] });
const run = spawnSync(
	process.execPath,
	[jest, '--runTestsByPath', 'test/reliability/soak.test.ts', '--ci'],
	{ cwd: ROOT, stdio: 'inherit', env },
);

if (fs.existsSync(report)) {
	const { text } = JSON.parse(fs.readFileSync(report, 'utf8'));
	process.stdout.write(`\nSoak figures (${options.operations} operations):\n${text}\n`);
} else {
	process.stdout.write('\nThe soak wrote no figures (see the jest output above).\n');
}
fs.rmSync(reportDir, { recursive: true, force: true });
process.exit(run.status ?? 1);
