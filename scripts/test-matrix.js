#!/usr/bin/env node
'use strict';
/**
 * `npm run test:matrix`: the e2e smoke subset (test/e2e/smoke.matrix.ts) on every n8n version
 * of scripts/n8n-versions.json "matrix", one after another. Each version is provisioned first
 * (a no-op when its cache is there), then jest runs with SAGE_ERP_N8N_VERSION set. Every
 * version runs even when an earlier one fails; the exit code is 1 if any failed. The summary
 * (per version: Node.js, tests passed / failed / skipped and why, minutes) goes to stdout and to
 * .n8n-e2e/matrix-results.json.
 *
 * Usage: node scripts/test-matrix.js [--version <v>]... (default: the matrix)
 * The package must be built (`npm run test:matrix` builds it first).
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const provision = require('./provision-n8n');
const { WORK_ROOT } = require('./lib/n8n');

const ROOT = path.resolve(__dirname, '..');
const JEST = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');

function parseArgs(argv) {
	const versions = [];
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--version' && argv[i + 1]) versions.push(argv[++i]);
		else if (argv[i].startsWith('--version=')) versions.push(argv[i].slice('--version='.length));
		else {
			process.stderr.write('usage: node scripts/test-matrix.js [--version <v>]...\n');
			process.exit(2);
		}
	}
	return versions.length ? versions : provision.VERSIONS.matrix;
}

/** The environment of one version's jest run: that version, and its own per-version cache folder. */
function jestEnv(version) {
	const env = { ...process.env, SAGE_ERP_N8N_VERSION: version };
	// One exact folder cannot hold every version of the matrix.
	delete env.SAGE_ERP_N8N_CACHE;
	return env;
}

/** Runs jest on the smoke file; resolves { code, report } (report: jest's --json output, or null). */
function runJest(version) {
	const reportFile = path.join(os.tmpdir(), `sage-erp-matrix-${process.pid}-${version}.json`);
	const args = [
		JEST,
		'-c',
		path.join(ROOT, 'jest.matrix.config.js'),
		'--json',
		`--outputFile=${reportFile}`,
	];
	return new Promise((resolve) => {
		const child = spawn(process.execPath, args, {
			cwd: ROOT,
			env: jestEnv(version),
			stdio: 'inherit',
		});
		child.on('close', (code) => {
			let report = null;
			try {
				report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
			} catch {
				/* jest died before writing it: the exit code tells */
			}
			fs.rmSync(reportFile, { force: true });
			resolve({ code, report });
		});
	});
}

/** Per-test outcomes from jest's report: { passed, failed, skipped: [names], failures: [names] }. */
function summarise(report) {
	const tests = (report?.testResults ?? []).flatMap((file) => file.assertionResults ?? []);
	return {
		passed: tests.filter((t) => t.status === 'passed').length,
		failed: tests.filter((t) => t.status === 'failed').length,
		skipped: tests
			.filter((t) => t.status === 'pending' || t.status === 'skipped')
			.map((t) => t.title),
		failures: tests.filter((t) => t.status === 'failed').map((t) => t.fullName),
		suiteErrors: (report?.testResults ?? [])
			.filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).length)
			.map((f) => f.message.slice(0, 2000)),
	};
}

/** Provisions and tests one version; never throws (a version that cannot be installed is a result too). */
async function runVersion(version) {
	const started = Date.now();
	const row = { version, node: null, provisionSeconds: 0, testSeconds: 0, result: 'failed' };
	try {
		const n8n = await provision.ensureN8n({ version });
		row.node = JSON.parse(
			fs.readFileSync(path.join(n8n.cacheDir, '.provisioned.json'), 'utf8'),
		).nodeVersion;
	} catch (err) {
		row.provisionSeconds = Math.round((Date.now() - started) / 1000);
		row.error = err.message;
		row.result = err.refused ? 'cannot be installed' : 'provisioning failed';
		return row;
	}
	row.provisionSeconds = Math.round((Date.now() - started) / 1000);
	const t = Date.now();
	const { code, report } = await runJest(version);
	row.testSeconds = Math.round((Date.now() - t) / 1000);
	Object.assign(row, summarise(report));
	row.result = code === 0 && row.failed === 0 && !row.suiteErrors.length ? 'passed' : 'failed';
	return row;
}

function printSummary(rows, seconds) {
	const out = [`\nn8n version matrix (${(seconds / 60).toFixed(1)} min in all):`];
	for (const r of rows) {
		const counts =
			r.passed === undefined
				? ''
				: `: ${r.passed} passed, ${r.failed} failed, ${r.skipped.length} skipped`;
		out.push(
			`  n8n ${r.version} on Node.js ${r.node || '?'}: ${r.result}${counts} (provision ${r.provisionSeconds} s, tests ${r.testSeconds} s)`,
		);
		for (const s of r.skipped || []) out.push(`      skipped: ${s}`);
		for (const f of r.failures || []) out.push(`      FAILED: ${f}`);
		for (const e of r.suiteErrors || []) out.push(`      SUITE ERROR: ${e.split('\n')[0]}`);
		if (r.error) out.push(`      ${r.error.split('\n')[0]}`);
	}
	process.stdout.write(`${out.join('\n')}\n`);
}

async function main() {
	const versions = parseArgs(process.argv.slice(2));
	const started = Date.now();
	const rows = [];
	for (const version of versions) {
		process.stdout.write(
			`\n=== n8n ${version}: provisioning (cached after the first run), then the smoke subset ===\n`,
		);
		rows.push(await runVersion(version));
	}
	const seconds = Math.round((Date.now() - started) / 1000);
	printSummary(rows, seconds);
	fs.mkdirSync(WORK_ROOT, { recursive: true });
	const record = {
		ranAt: new Date().toISOString(),
		cores: os.cpus().length,
		seconds,
		versions: rows,
	};
	fs.writeFileSync(
		path.join(WORK_ROOT, 'matrix-results.json'),
		`${JSON.stringify(record, null, 2)}\n`,
	);
	process.exit(rows.every((r) => r.result === 'passed') ? 0 : 1);
}

if (require.main === module) {
	main().catch((err) => {
		process.stderr.write(`[test-matrix] FAILED: ${err.stack}\n`);
		process.exit(1);
	});
}

module.exports = { summarise };
