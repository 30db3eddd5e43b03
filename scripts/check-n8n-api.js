#!/usr/bin/env node
'use strict';
/**
 * `npm run check-n8n-api`: type-checks the shipped code (nodes/, credentials/, n8n-transport/, sage-client/)
 * against the n8n-workflow typings of the oldest n8n this package supports (the oldest version of
 * scripts/n8n-versions.json: 1.123.81, which pins n8n-workflow 1.120.x), taken from that version's
 * provisioned cache (provisioned first when missing). The build type-checks against the 2.x
 * typings of the devDependencies, where an API added later (getPollBudgetMs, isToolExecution,
 * preAuthenticationRetryStatusCode, sensitiveOutputFields, assertUrlAllowed, ...) compiles fine and
 * then fails at run time on 1.x. Here it is a type error, unless it is reached through a check
 * that it exists (a loose type and a typeof test), which is how the package uses them.
 *
 * Usage: node scripts/check-n8n-api.js [--version <n8n version>]
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const provision = require('./provision-n8n');

const ROOT = path.resolve(__dirname, '..');
const SHIPPED = ['nodes', 'credentials', 'n8n-transport', 'sage-client'];
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

const parts = (version) => version.split(/[.-]/).slice(0, 3).map(Number);
const older = (a, b) => {
	const [x, y] = [parts(a), parts(b)];
	for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i];
	return false;
};

function oldestSupported() {
	return [provision.VERSIONS.default, ...provision.VERSIONS.matrix].reduce((a, b) =>
		older(b, a) ? b : a,
	);
}

/** The n8n-workflow that version of n8n runs, as installed in its cache: { version, types }. */
function workflowTypings(n8nPrefix) {
	const manifestPath = require.resolve('n8n-workflow/package.json', {
		paths: [path.join(n8nPrefix, 'node_modules', 'n8n')],
	});
	const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
	const types = manifest.types ?? manifest.typings ?? 'dist/index.d.ts';
	return { version: manifest.version, types: path.join(path.dirname(manifestPath), types) };
}

function typeCheck(typesFile) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sage-erp-api-check-'));
	try {
		const config = {
			extends: path.join(ROOT, 'tsconfig.json'),
			compilerOptions: {
				baseUrl: ROOT,
				paths: { 'n8n-workflow': [typesFile] },
				// Relative to this temporary file otherwise.
				typeRoots: [path.join(ROOT, 'node_modules', '@types')],
				noEmit: true,
			},
			include: SHIPPED.map((folder) => path.join(ROOT, folder, '**', '*.ts')),
		};
		fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(config, null, 2));
		return spawnSync(process.execPath, [TSC, '-p', path.join(dir, 'tsconfig.json')], {
			cwd: ROOT,
			encoding: 'utf8',
		});
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

async function main() {
	const args = process.argv.slice(2);
	const asked = args[0] === '--version' ? args[1] : undefined;
	const version = asked ?? oldestSupported();
	const n8n =
		provision.provisionedN8n(undefined, version) ?? (await provision.ensureN8n({ version }));
	const workflow = workflowTypings(provision.layout(n8n.cacheDir).n8nPrefix);
	const result = typeCheck(workflow.types);
	const subject = `nodes/, credentials/, n8n-transport/ and sage-client/ against n8n-workflow ${workflow.version} (n8n ${version})`;
	if (result.status === 0) {
		process.stdout.write(`check-n8n-api: ${subject}: no API missing\n`);
		return;
	}
	process.stderr.write(
		`${result.stdout}${result.stderr}\ncheck-n8n-api: FAILED: ${subject}: the errors above name what n8n ${version} lacks; reach it only after checking that it exists\n`,
	);
	process.exit(1);
}

main().catch((err) => {
	process.stderr.write(
		`\n[check-n8n-api] FAILED: ${err instanceof provision.ProvisionError ? err.message : err.stack}\n`,
	);
	process.exit(1);
});
