#!/usr/bin/env node
'use strict';
/**
 * Provisions a real n8n (with its own Node.js 24) in a cache folder outside the checkout,
 * following docs "real-n8n" recipe:
 *   1. `npm install node@24` in <cache>/node24  -> node_modules/node/node_modules/node-<platform>-<arch>/
 *   2. `npm install n8n@2.40.7 --ignore-scripts` in <cache>/n8n with Node.js 24 first on PATH
 *      and npm_config_nodedir = that Node.js folder
 *   3. `npm rebuild sqlite3 isolated-vm`
 *   4. smoke test `n8n --version`, then write the marker file.
 *
 * Idempotent: a run that finds the marker (and the binaries it names) returns in well under a second.
 * Concurrent runs (two jest workers, two terminals) serialise on a lock folder.
 *
 * CLI:     node scripts/provision-n8n.js [--force] [--quiet]
 * Library: const { ensureN8n } = require('./scripts/provision-n8n');
 *          const { nodeBin, n8nBin, cacheDir, nodeDir } = await ensureN8n();
 *          // run n8n as: spawn(nodeBin, [n8nBin, 'start'], ...)
 * Env:     SAGE_ERP_N8N_CACHE  cache folder (default ~/.cache/n8n-nodes-sage-erp/n8n-<version>)
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

const N8N_VERSION = '2.40.7';
const NODE_RANGE = '24';
const MARKER = '.provisioned.json';
const LOCK = '.provision.lock';
const MIN_FREE_BYTES = 3 * 1024 ** 3;

function defaultCacheDir() {
	if (process.env.SAGE_ERP_N8N_CACHE) return path.resolve(process.env.SAGE_ERP_N8N_CACHE);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-sage-erp', `n8n-${N8N_VERSION}`);
}

/** Paths inside a cache folder; nothing is checked. */
function layout(cacheDir = defaultCacheDir()) {
	const platformPackage = `node-${process.platform}-${process.arch}`;
	const nodeDir = path.join(cacheDir, 'node24', 'node_modules', 'node', 'node_modules', platformPackage);
	const n8nPrefix = path.join(cacheDir, 'n8n');
	return {
		cacheDir,
		nodeDir,
		nodeBin: path.join(nodeDir, 'bin', 'node'),
		n8nPrefix,
		n8nBin: path.join(n8nPrefix, 'node_modules', 'n8n', 'bin', 'n8n'),
		marker: path.join(cacheDir, MARKER),
		lock: path.join(cacheDir, LOCK),
	};
}

class ProvisionError extends Error {}

function readMarker(paths) {
	try {
		const marker = JSON.parse(fs.readFileSync(paths.marker, 'utf8'));
		if (marker.n8nVersion !== N8N_VERSION) return null;
		if (!fs.existsSync(paths.nodeBin) || !fs.existsSync(paths.n8nBin)) return null;
		return marker;
	} catch {
		return null;
	}
}

/** The provisioned paths when the cache is complete, else null. Synchronous, cheap. */
function provisionedN8n(cacheDir = defaultCacheDir()) {
	const paths = layout(cacheDir);
	return readMarker(paths) ? { nodeBin: paths.nodeBin, n8nBin: paths.n8nBin, cacheDir, nodeDir: paths.nodeDir } : null;
}

function makeLogger(quiet) {
	const started = Date.now();
	const stamp = () => `${((Date.now() - started) / 1000).toFixed(1)}s`.padStart(7);
	return {
		started,
		line: (msg) => {
			if (!quiet) process.stderr.write(`[provision-n8n ${stamp()}] ${msg}\n`);
		},
	};
}

function fmt(ms) {
	const s = Math.round(ms / 1000);
	return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${(ms / 1000).toFixed(1)}s`;
}

function which(cmd, envPath = process.env.PATH) {
	for (const dir of (envPath || '').split(path.delimiter)) {
		if (!dir) continue;
		const candidate = path.join(dir, cmd);
		try {
			fs.accessSync(candidate, fs.constants.X_OK);
			return candidate;
		} catch {
			/* next */
		}
	}
	return null;
}

function checkPrerequisites(paths) {
	const missing = [];
	if (!which('npm')) missing.push('npm (comes with Node.js; put it on PATH)');
	// sqlite3 compiles from source against Node.js 24 (node-gyp): it needs python3, make and a C++ compiler.
	if (!which('python3')) missing.push('python3 (Debian: apt-get install -y python3)');
	if (!which('make')) missing.push('make (Debian: apt-get install -y build-essential)');
	if (!which('g++') && !which('c++')) missing.push('g++ (Debian: apt-get install -y build-essential)');
	if (missing.length) {
		throw new ProvisionError(`cannot provision n8n, missing on this machine:\n  - ${missing.join('\n  - ')}`);
	}
	if (process.platform !== 'linux' && process.platform !== 'darwin') {
		throw new ProvisionError(`unsupported platform ${process.platform}: the recipe is for Linux`);
	}
	fs.mkdirSync(paths.cacheDir, { recursive: true });
	if (typeof fs.statfsSync === 'function') {
		const st = fs.statfsSync(paths.cacheDir);
		const free = st.bavail * st.bsize;
		if (free < MIN_FREE_BYTES) {
			throw new ProvisionError(
				`not enough disk space in ${paths.cacheDir}: ${(free / 1024 ** 3).toFixed(1)} GB free, ~3 GB needed ` +
					'(set SAGE_ERP_N8N_CACHE to a folder on a bigger disk)',
			);
		}
	}
}

/** Runs a command; streams nothing but keeps the tail of its output for the error message. */
function run(log, label, cmd, args, opts) {
	return new Promise((resolve, reject) => {
		const t0 = Date.now();
		const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
		let tail = '';
		const keep = (chunk) => {
			tail = (tail + chunk.toString()).slice(-6000);
			if (process.env.SAGE_ERP_PROVISION_VERBOSE) process.stderr.write(chunk);
		};
		child.stdout.on('data', keep);
		child.stderr.on('data', keep);
		const heartbeat = setInterval(() => log.line(`  ... ${label}: still running (${fmt(Date.now() - t0)})`), 30000);
		child.on('error', (err) => {
			clearInterval(heartbeat);
			reject(new ProvisionError(`${label}: cannot run ${cmd}: ${err.message}`));
		});
		child.on('close', (code, signal) => {
			clearInterval(heartbeat);
			if (code === 0) return resolve(tail);
			reject(
				new ProvisionError(
					`${label} failed (${signal ? `signal ${signal}` : `exit code ${code}`}): ${cmd} ${args.join(' ')}\n` +
						`--- last output ---\n${tail.trim()}\n-------------------`,
				),
			);
		});
	});
}

function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		return err.code === 'EPERM';
	}
}

/** mkdir-based lock, so two processes never install into the same folder at once. */
async function acquireLock(paths, log) {
	let announced = 0;
	for (;;) {
		try {
			fs.mkdirSync(paths.lock);
			fs.writeFileSync(path.join(paths.lock, 'pid'), String(process.pid));
			return () => fs.rmSync(paths.lock, { recursive: true, force: true });
		} catch (err) {
			if (err.code !== 'EEXIST') throw err;
			let owner = NaN;
			try {
				owner = Number(fs.readFileSync(path.join(paths.lock, 'pid'), 'utf8'));
			} catch {
				/* being written */
			}
			const stat = fs.statSync(paths.lock, { throwIfNoEntry: false });
			const age = stat ? Date.now() - stat.mtimeMs : 0;
			if ((owner && !pidAlive(owner)) || (!owner && age > 10000)) {
				log.line(`removing a stale lock left by process ${owner || '?'}`);
				fs.rmSync(paths.lock, { recursive: true, force: true });
				continue;
			}
			if (!announced || Date.now() - announced > 30000) {
				log.line(`another process (pid ${owner || '?'}) is provisioning ${paths.cacheDir}; waiting for it`);
				announced = Date.now();
			}
			await sleep(1000);
		}
	}
}

function envWithNode24(paths) {
	return {
		...process.env,
		PATH: `${path.join(paths.nodeDir, 'bin')}${path.delimiter}${process.env.PATH}`,
		npm_config_nodedir: paths.nodeDir,
		npm_config_fund: 'false',
		npm_config_audit: 'false',
		npm_config_update_notifier: 'false',
	};
}

async function install(paths, log) {
	const steps = 4;
	const stepDone = (name) => path.join(paths.cacheDir, `.step-${name}`);

	// 1. Node.js 24 from the npm registry.
	let t = Date.now();
	if (fs.existsSync(stepDone('node')) && fs.existsSync(paths.nodeBin)) {
		log.line(`[1/${steps}] Node.js ${NODE_RANGE}: already in ${path.dirname(paths.nodeDir)}`);
	} else {
		log.line(`[1/${steps}] installing Node.js ${NODE_RANGE} (npm install node@${NODE_RANGE})`);
		const dir = path.join(paths.cacheDir, 'node24');
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'sage-erp-node24', private: true }, null, 2));
		await run(log, 'npm install node@24', 'npm', ['install', '--no-save', '--no-package-lock', `node@${NODE_RANGE}`], {
			cwd: dir,
			env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false' },
		});
		if (!fs.existsSync(paths.nodeBin)) {
			throw new ProvisionError(
				`npm install node@${NODE_RANGE} finished but ${paths.nodeBin} is missing ` +
					`(no node-${process.platform}-${process.arch} package for this machine?)`,
			);
		}
		fs.writeFileSync(stepDone('node'), new Date().toISOString());
		log.line(`[1/${steps}] Node.js ready in ${fmt(Date.now() - t)}`);
	}
	const nodeVersion = spawnSync(paths.nodeBin, ['--version'], { encoding: 'utf8' }).stdout.trim();
	if (!/^v2[4-9]\./.test(nodeVersion)) throw new ProvisionError(`${paths.nodeBin} reports ${nodeVersion || 'nothing'}, expected v24`);
	const env = envWithNode24(paths);

	// 2. n8n itself, without install scripts (a Kafka module's script downloads from the internet).
	t = Date.now();
	if (fs.existsSync(stepDone('n8n')) && fs.existsSync(paths.n8nBin)) {
		log.line(`[2/${steps}] n8n@${N8N_VERSION}: already in ${paths.n8nPrefix}`);
	} else {
		log.line(`[2/${steps}] installing n8n@${N8N_VERSION} with Node.js ${nodeVersion} (npm install --ignore-scripts; ~3.5 min on 2 cores, more under load)`);
		fs.rmSync(paths.n8nPrefix, { recursive: true, force: true });
		fs.rmSync(stepDone('rebuild'), { force: true });
		fs.mkdirSync(paths.n8nPrefix, { recursive: true });
		fs.writeFileSync(
			path.join(paths.n8nPrefix, 'package.json'),
			JSON.stringify({ name: 'sage-erp-n8n', private: true, dependencies: { n8n: N8N_VERSION } }, null, 2),
		);
		await run(log, `npm install n8n@${N8N_VERSION}`, 'npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund'], {
			cwd: paths.n8nPrefix,
			env,
		});
		if (!fs.existsSync(paths.n8nBin)) throw new ProvisionError(`npm install finished but ${paths.n8nBin} is missing`);
		fs.writeFileSync(stepDone('n8n'), new Date().toISOString());
		log.line(`[2/${steps}] n8n installed in ${fmt(Date.now() - t)}`);
	}

	// 3. Native modules for Node.js 24: sqlite3 compiles (~80 s), isolated-vm has prebuilt binaries.
	t = Date.now();
	if (fs.existsSync(stepDone('rebuild'))) {
		log.line(`[3/${steps}] sqlite3 and isolated-vm: already built`);
	} else {
		log.line(`[3/${steps}] building sqlite3 and isolated-vm for Node.js ${nodeVersion} (npm rebuild; ~1.5 min)`);
		await run(log, 'npm rebuild sqlite3 isolated-vm', 'npm', ['rebuild', 'sqlite3', 'isolated-vm'], { cwd: paths.n8nPrefix, env });
		fs.writeFileSync(stepDone('rebuild'), new Date().toISOString());
		log.line(`[3/${steps}] native modules built in ${fmt(Date.now() - t)}`);
	}

	// 4. Smoke test, then the marker: the marker exists only for a cache that works.
	t = Date.now();
	log.line(`[4/${steps}] smoke test: n8n --version, native modules load`);
	const smokeHome = fs.mkdtempSync(path.join(os.tmpdir(), 'sage-erp-n8n-smoke-'));
	let out;
	try {
		out = await run(log, 'n8n --version', paths.nodeBin, [paths.n8nBin, '--version'], {
			cwd: paths.n8nPrefix,
			env: { ...env, N8N_USER_FOLDER: smokeHome, N8N_DIAGNOSTICS_ENABLED: 'false' },
		});
	} finally {
		fs.rmSync(smokeHome, { recursive: true, force: true });
	}
	const reported = (out.match(/\b\d+\.\d+\.\d+\b/g) || []).pop();
	if (reported !== N8N_VERSION) throw new ProvisionError(`n8n --version printed ${JSON.stringify(out.trim())}, expected ${N8N_VERSION}`);
	// The native modules must load in Node.js 24 (a failed rebuild shows only when n8n opens its database).
	await run(log, 'loading sqlite3 and isolated-vm', paths.nodeBin, ['-e', "require('sqlite3'); require('isolated-vm');"], {
		cwd: path.join(paths.n8nPrefix, 'node_modules', 'n8n'),
		env,
	});
	log.line(`[4/${steps}] n8n ${reported} runs (${fmt(Date.now() - t)})`);
	const marker = {
		n8nVersion: N8N_VERSION,
		nodeVersion,
		nodeBin: paths.nodeBin,
		n8nBin: paths.n8nBin,
		installedAt: new Date().toISOString(),
		installSeconds: Math.round((Date.now() - log.started) / 1000),
	};
	fs.writeFileSync(paths.marker, JSON.stringify(marker, null, 2));
	return marker;
}

/** `n8n --version` of a provisioned cache: milliseconds, and catches a cache broken since its marker. */
function quickSmoke(paths) {
	const res = spawnSync(paths.nodeBin, [paths.n8nBin, '--version'], { encoding: 'utf8', timeout: 30000 });
	return res.status === 0 && res.stdout.trim().endsWith(N8N_VERSION);
}

/**
 * Makes sure n8n is installed in the cache; resolves to { nodeBin, n8nBin, cacheDir, nodeDir }.
 * options: { cacheDir, force, quiet }
 */
async function ensureN8n(options = {}) {
	const cacheDir = options.cacheDir ? path.resolve(options.cacheDir) : defaultCacheDir();
	const paths = layout(cacheDir);
	const log = makeLogger(options.quiet);
	const result = () => ({ nodeBin: paths.nodeBin, n8nBin: paths.n8nBin, cacheDir, nodeDir: paths.nodeDir });

	if (!options.force && readMarker(paths)) {
		if (quickSmoke(paths)) {
			log.line(`n8n ${N8N_VERSION} already provisioned in ${cacheDir}`);
			return result();
		}
		log.line(`the n8n in ${cacheDir} does not run any more: installing it again`);
		options = { ...options, force: true };
	}
	checkPrerequisites(paths);
	const release = await acquireLock(paths, log);
	try {
		if (!options.force && readMarker(paths)) {
			log.line(`n8n ${N8N_VERSION} was provisioned by another process in ${cacheDir}`);
			return result();
		}
		if (options.force) {
			for (const f of fs.readdirSync(cacheDir)) if (f.startsWith('.step-') || f === MARKER) fs.rmSync(path.join(cacheDir, f));
		}
		log.line(`provisioning n8n ${N8N_VERSION} in ${cacheDir} (first run: ~5 min on 2 cores, ~3 GB)`);
		await install(paths, log);
		log.line(`done in ${fmt(Date.now() - log.started)}: ${paths.nodeBin} ${paths.n8nBin}`);
		return result();
	} finally {
		release();
	}
}

module.exports = { ensureN8n, provisionedN8n, defaultCacheDir, layout, N8N_VERSION, ProvisionError };

if (require.main === module) {
	const args = process.argv.slice(2);
	const unknown = args.filter((a) => !['--force', '--quiet', '--print'].includes(a));
	if (unknown.length || args.includes('-h') || args.includes('--help')) {
		process.stderr.write('usage: node scripts/provision-n8n.js [--force] [--quiet] [--print]\n');
		process.exit(unknown.length ? 2 : 0);
	}
	ensureN8n({ force: args.includes('--force'), quiet: args.includes('--quiet') }).then(
		(res) => {
			if (args.includes('--print')) process.stdout.write(`${JSON.stringify(res)}\n`);
		},
		(err) => {
			process.stderr.write(`\n[provision-n8n] FAILED: ${err instanceof ProvisionError ? err.message : err.stack}\n`);
			process.exit(1);
		},
	);
}
