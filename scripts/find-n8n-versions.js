#!/usr/bin/env node
'use strict';
/**
 * Finds the n8n versions of the test matrix and records them in scripts/n8n-versions.json, so
 * that CI and `npm run test:matrix` never search the registry:
 *   - the newest patch of the last 1.x line (n8n 1.x is still maintained);
 *   - the newest 2.x whose dependency tree resolves from the registry, trying newest first
 *     (the registry's `latest` may pin a dependency version the registry does not hold).
 * Each candidate is resolved with `npm install --package-lock-only --ignore-scripts` in a
 * throw-away folder: it fetches metadata only, yet fails exactly as a real install would on a
 * missing version (ETARGET), a missing package (E404) or an unreachable tarball.
 * About 1 min per candidate on 2 cores. The full install happens in scripts/provision-n8n.js.
 *
 * Usage: node scripts/find-n8n-versions.js [--dry-run] [--max-tries <n>]
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const provision = require('./provision-n8n');

const MAX_TRIES_DEFAULT = 6;

function compareVersions(a, b) {
	const pa = a.split('.').map(Number);
	const pb = b.split('.').map(Number);
	for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
	return 0;
}

/** Every released (not pre-release) version of n8n, oldest first: one registry look-up. */
function releasedVersions() {
	const res = spawnSync('npm', ['view', 'n8n', 'versions', '--json'], {
		encoding: 'utf8',
		timeout: 120000,
	});
	if (res.status !== 0)
		throw new Error(
			`npm view n8n versions failed: ${(res.stderr || res.stdout).trim().slice(-500)}`,
		);
	return JSON.parse(res.stdout)
		.filter((v) => /^\d+\.\d+\.\d+$/.test(v))
		.sort(compareVersions);
}

/** The newest patch of the highest 1.x minor. */
function lastOneX(versions) {
	const ones = versions.filter((v) => v.startsWith('1.'));
	if (!ones.length) throw new Error('the registry lists no n8n 1.x');
	return ones[ones.length - 1];
}

/**
 * Resolves n8n@version's tree without installing it. Resolves { ok: true } or
 * { ok: false, reason } where reason is provision.explainInstallFailure's sentence; throws on a
 * failure it cannot explain (a broken registry must not pass for a refused version).
 */
async function resolves(version, log) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sage-erp-resolve-n8n-${version}-`));
	try {
		fs.writeFileSync(
			path.join(dir, 'package.json'),
			JSON.stringify(provision.installManifest(version), null, 2),
		);
		await provision.runNpm(log, `resolving n8n@${version}`, ['install', '--package-lock-only'], {
			cwd: dir,
			scripts: false,
		});
		return { ok: true };
	} catch (err) {
		const reason = provision.explainInstallFailure(version, err.output);
		if (!reason) throw err;
		return { ok: false, reason };
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

/** Tries 2.x newest first; resolves { found, refused }. */
async function newestTwoX(versions, log, maxTries) {
	const candidates = versions.filter((v) => v.startsWith('2.')).reverse();
	const refused = {};
	for (const version of candidates.slice(0, maxTries)) {
		const t = Date.now();
		log.line(`n8n ${version}: resolving its dependencies (~1 min)`);
		const res = await resolves(version, log);
		if (res.ok) {
			log.line(`n8n ${version}: resolves (${provision.fmt(Date.now() - t)})`);
			return { found: version, refused };
		}
		log.line(`n8n ${version}: refused: ${res.reason}`);
		refused[version] = res.reason;
	}
	throw new Error(
		`none of the ${Math.min(maxTries, candidates.length)} newest n8n 2.x resolves here: ${JSON.stringify(refused, null, 2)}`,
	);
}

function parseArgs(argv) {
	const opts = { dryRun: false, maxTries: MAX_TRIES_DEFAULT };
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--dry-run') opts.dryRun = true;
		else if (argv[i] === '--max-tries' && /^\d+$/.test(argv[i + 1] || ''))
			opts.maxTries = Number(argv[++i]);
		else {
			process.stderr.write(
				'usage: node scripts/find-n8n-versions.js [--dry-run] [--max-tries <n>]\n',
			);
			process.exit(2);
		}
	}
	return opts;
}

async function main() {
	const opts = parseArgs(process.argv.slice(2));
	const log = provision.makeLogger(false, 'find-n8n-versions');
	const versions = releasedVersions();
	const one = lastOneX(versions);
	log.line(`n8n ${one} (last 1.x): resolving its dependencies with the xlsx override (~1 min)`);
	const oneRes = await resolves(one, log);
	if (!oneRes.ok) throw new Error(oneRes.reason);
	const { found, refused } = await newestTwoX(versions, log, opts.maxTries);
	const previous = provision.VERSIONS;
	const record = {
		default: previous.default,
		matrix: [one, found],
		checked: new Date().toISOString().slice(0, 10),
		refused,
		notes: {
			...(previous.notes || {}),
			[one]: `the newest patch of ${one.split('.').slice(0, 2).join('.')}, the last 1.x line; installs with "overrides": {"xlsx": "0.18.5"} (without it npm fetches xlsx from cdn.sheetjs.com)`,
			[found]: 'the newest 2.x whose dependencies all resolve from the registry',
		},
	};
	// Notes of versions that left the matrix would only mislead.
	for (const v of Object.keys(record.notes))
		if (/^\d+\.\d+\.\d+$/.test(v) && !record.matrix.includes(v)) delete record.notes[v];
	const text = `${JSON.stringify(record, null, 2)}\n`;
	if (opts.dryRun) process.stdout.write(text);
	else fs.writeFileSync(provision.VERSIONS_FILE, text);
	log.line(
		`matrix: ${record.matrix.join(', ')}${opts.dryRun ? ' (dry run: not written)' : ` written to scripts/${path.basename(provision.VERSIONS_FILE)}`}`,
	);
}

if (require.main === module) {
	main().catch((err) => {
		process.stderr.write(`\n[find-n8n-versions] FAILED: ${err.message}\n`);
		process.exit(1);
	});
}

module.exports = { compareVersions, lastOneX, resolves };
