'use strict';
/**
 * A real n8n around this package: a fresh user folder with the package installed the way a
 * community package is, the CLI (import, publish, execute), and `n8n start` / `n8n worker`
 * processes with their health checks. Used by `npm start`, the e2e suite and the benchmarks.
 */
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { createRequire } = require('module');
const { ensureN8n, N8N_VERSION } = require('../provision-n8n');
const { startProcess, runCommand, freePort, waitUntil, lastLines } = require('./processes');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const PACKAGE_NAME = PACKAGE.name;

/** The editor login of every n8n started here (local development and tests only). */
const DEFAULT_OWNER = Object.freeze({
	email: 'owner@sage-erp.test',
	password: 'SageErp-dev-1',
	firstName: 'Sage ERP',
	lastName: 'Developer',
});

/** Where throw-away user folders go by default: the git-ignored `.n8n-e2e/` of the checkout. */
const WORK_ROOT = path.join(REPO_ROOT, '.n8n-e2e');

/**
 * A new, empty user folder with this package installed as a community package:
 *   <folder>/.n8n/nodes/package.json                 lists it under dependencies
 *   <folder>/.n8n/nodes/node_modules/<package name>  symlink to the checkout (its dist/ is what n8n loads)
 * options: { folder (exact path, wiped first unless keep) | root (parent folder, default .n8n-e2e/) + name (prefix),
 *            keep (reuse what `folder` holds: its database, workflows and credentials), packageDir }
 */
function createUserFolder(options = {}) {
	let userFolder;
	if (options.folder) {
		userFolder = path.resolve(options.folder);
		if (!options.keep) fs.rmSync(userFolder, { recursive: true, force: true });
		fs.mkdirSync(userFolder, { recursive: true });
	} else {
		const root = options.root || WORK_ROOT;
		fs.mkdirSync(root, { recursive: true });
		userFolder = fs.mkdtempSync(path.join(root, `${options.name || 'n8n'}-`));
	}
	installPackage(userFolder, options.packageDir || packageDir());
	return userFolder;
}

/** The package folder n8n loads: the checkout, or $SAGE_ERP_PACKAGE_DIR (e.g. an unpacked `npm pack` tarball). */
function packageDir() {
	return process.env.SAGE_ERP_PACKAGE_DIR
		? path.resolve(process.env.SAGE_ERP_PACKAGE_DIR)
		: REPO_ROOT;
}

function installPackage(userFolder, packageDir = REPO_ROOT) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const link = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	fs.mkdirSync(path.dirname(link), { recursive: true });
	fs.writeFileSync(
		path.join(nodesDir, 'package.json'),
		`${JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: PACKAGE.version } }, null, 2)}\n`,
	);
	fs.rmSync(link, { force: true, recursive: true });
	fs.symlinkSync(packageDir, link, 'dir');
	const manifest = path.join(packageDir, 'package.json');
	const built = (JSON.parse(fs.readFileSync(manifest, 'utf8')).n8n?.nodes || []).every((f) =>
		fs.existsSync(path.join(packageDir, f)),
	);
	return { link, built };
}

/** bcrypt hash of the owner password, made with the bcryptjs that ships inside n8n. */
function hashPassword(n8n, password) {
	const requireFromN8n = createRequire(
		path.join(path.dirname(path.dirname(n8n.n8nBin)), 'package.json'),
	);
	return requireFromN8n('bcryptjs').hashSync(password, 10);
}

/** The major version of a provisioned n8n ({ version } from ensureN8n; the default version when absent). */
function majorVersion(n8n) {
	return Number(String(n8n.version || N8N_VERSION).split('.')[0]);
}

/**
 * Environment variables that set the instance owner at `n8n start` (n8n 2.x: N8N_INSTANCE_OWNER_*).
 * n8n 1.x has no such variables: startN8n sets the owner up through the REST API instead.
 */
function ownerEnv(n8n, owner = DEFAULT_OWNER) {
	if (majorVersion(n8n) < 2) return {};
	return {
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: owner.email,
		N8N_INSTANCE_OWNER_FIRST_NAME: owner.firstName,
		N8N_INSTANCE_OWNER_LAST_NAME: owner.lastName,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: hashPassword(n8n, owner.password),
	};
}

// Variables of the parent (npm, jest, ts-node) that change how n8n behaves: never pass them on.
const DROPPED_ENV =
	/^(npm_|NODE_ENV$|NODE_OPTIONS$|JEST_WORKER_ID$|TS_NODE_|N8N_|DB_|EXECUTIONS_|QUEUE_|WEBHOOK_URL$|GENERIC_TIMEZONE$)/;

/**
 * The environment of every n8n process on `userFolder`.
 * options: { port, brokerPort, extra }  (brokerPort: the task runner broker; distinct per process)
 */
function n8nEnv(n8n, userFolder, options = {}) {
	const env = {};
	for (const [k, v] of Object.entries(process.env)) if (!DROPPED_ENV.test(k)) env[k] = v;
	const port = options.port || 5678;
	Object.assign(env, {
		PATH: `${path.join(n8n.nodeDir, 'bin')}${path.delimiter}${process.env.PATH}`,
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_HOST: 'localhost',
		N8N_PROTOCOL: 'http',
		N8N_WEBHOOK_URL: `http://localhost:${port}/`,
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_SECURE_COOKIE: 'false',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_RUNNERS_BROKER_PORT: String(options.brokerPort || port + 1),
		N8N_LOG_LEVEL: 'info',
		DB_SQLITE_POOL_SIZE: '4',
	});
	// The MCP registry refresh calls api.n8n.io every start: pointless noise without internet.
	// 1.x has no such module and refuses to start on an unknown name in N8N_DISABLED_MODULES.
	if (majorVersion(n8n) >= 2) env.N8N_DISABLED_MODULES = 'mcp-registry';
	return Object.assign(env, options.extra || {});
}

/** Runs one n8n CLI command to completion (import, publish, execute, ...). */
async function n8nCli(n8n, env, args, options = {}) {
	return runCommand(n8n.nodeBin, [n8n.n8nBin, ...args], {
		cwd: env.N8N_USER_FOLDER,
		env,
		timeout: options.timeout || 120000,
		allowFailure: options.allowFailure,
	});
}

/** `n8n import:credentials` of plaintext credentials [{ id, name, type, data }] (n8n encrypts them). */
async function importCredentials(n8n, env, credentials) {
	const file = path.join(env.N8N_USER_FOLDER, `credentials-${crypto.randomUUID()}.json`);
	fs.writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
	try {
		return await n8nCli(n8n, env, ['import:credentials', `--input=${file}`]);
	} finally {
		fs.rmSync(file, { force: true });
	}
}

/** `n8n import:workflow` of workflow objects (one CLI run for all of them). */
async function importWorkflows(n8n, env, workflows) {
	const dir = fs.mkdtempSync(path.join(env.N8N_USER_FOLDER, 'workflows-'));
	try {
		for (const wf of workflows)
			fs.writeFileSync(path.join(dir, `${wf.id}.json`), JSON.stringify(wf, null, 2));
		return await n8nCli(n8n, env, ['import:workflow', '--separate', `--input=${dir}`]);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

/**
 * Activates workflows before `n8n start`: `n8n publish:workflow` (2.x publishes the current
 * version); 1.x has no publish, only `n8n update:workflow --active=true`.
 */
async function publishWorkflows(n8n, env, ids) {
	const args = (id) =>
		majorVersion(n8n) < 2
			? ['update:workflow', `--id=${id}`, '--active=true']
			: ['publish:workflow', `--id=${id}`];
	for (const id of ids) await n8nCli(n8n, env, args(id));
}

/**
 * The JSON document in n8n CLI output that may have log lines before (and after) it:
 * tries each line that opens an object, up to the last line that closes one.
 */
function extractJson(text) {
	const lines = text.split('\n');
	const starts = [];
	const ends = [];
	lines.forEach((line, i) => {
		if (/^\{\s*$/.test(line) || /^\{"/.test(line)) starts.push(i);
		if (/^\}\s*$/.test(line) || /\}\s*$/.test(line)) ends.push(i);
	});
	for (const s of starts) {
		for (let e = ends.length - 1; e >= 0 && ends[e] >= s; e--) {
			try {
				return JSON.parse(lines.slice(s, ends[e] + 1).join('\n'));
			} catch {
				/* try a shorter or later candidate */
			}
		}
	}
	throw new Error(`no JSON document found in the n8n output:\n${lastLines(text)}`);
}

/**
 * `n8n execute --id <id> --rawOutput`; resolves { run, stdout, stderr, ms, code } where `run` is the
 * parsed run (or null when n8n printed none). Use outputItems(run, nodeName) for a node's items.
 */
async function executeWorkflow(n8n, env, id, options = {}) {
	const res = await n8nCli(n8n, env, ['execute', `--id=${id}`, '--rawOutput'], {
		allowFailure: true,
		timeout: options.timeout || 120000,
	});
	let run = null;
	let parseError = null;
	try {
		run = extractJson(res.stdout);
	} catch (err) {
		parseError = err;
	}
	return { ...res, run, parseError };
}

/** The output items (json only) of `nodeName` in a run: data.resultData.runData.<node>[0].data.main[0]. */
function outputItems(run, nodeName, { output = 0, runIndex = 0, json = true } = {}) {
	const runData = run?.data?.resultData?.runData ?? run?.resultData?.runData;
	const nodeRuns = runData?.[nodeName];
	if (!nodeRuns) {
		const error = run?.data?.resultData?.error;
		throw new Error(
			`node "${nodeName}" did not run; ran: ${Object.keys(runData || {}).join(', ') || 'nothing'}` +
				(error
					? `; workflow error: ${error.message}${error.description ? ` (${error.description})` : ''}`
					: ''),
		);
	}
	const nodeRun = nodeRuns[runIndex];
	if (nodeRun.error)
		throw new Error(
			`node "${nodeName}" failed: ${nodeRun.error.message}${nodeRun.error.description ? ` (${nodeRun.error.description})` : ''}`,
		);
	const items = nodeRun.data?.main?.[output] ?? [];
	return json ? items.map((i) => i.json) : items;
}

/**
 * `n8n start` (main) or `n8n worker`, as a process handle (see processes.startProcess) plus
 * { baseUrl } for the main. Resolves once it is ready: /healthz/readiness answers 200 and the
 * published workflows are active for the main, "n8n worker is now ready" for a worker.
 * options: { command: 'start'|'worker', logFile, echo, timeout, args, owner (1.x: the owner to set up) }
 */
async function startN8n(n8n, env, options = {}) {
	const command = options.command || 'start';
	const args = [n8n.n8nBin, command, ...(options.args || [])];
	const name = options.name || `n8n ${command}`;
	const proc = startProcess(name, n8n.nodeBin, args, {
		cwd: env.N8N_USER_FOLDER,
		env,
		logFile: options.logFile,
		echo: options.echo,
	});
	const timeout = options.timeout || 120000;
	try {
		if (command === 'worker') {
			await proc.waitForOutput(/n8n worker is now ready/, timeout);
			return proc;
		}
		proc.baseUrl = `http://127.0.0.1:${env.N8N_PORT}`;
		await Promise.race([
			// Ready = database migrated and server up, AND published workflows activated (webhooks
			// registered): n8n prints "Editor is now accessible" only after the activation.
			Promise.all([
				waitForReady(proc.baseUrl, timeout),
				proc.waitForOutput(/Editor is now accessible via/, timeout),
			]),
			proc.exited.then((info) => {
				throw new Error(
					`${name} exited (code ${info.code}, signal ${info.signal}) before it was ready\n${lastLines(proc.output())}`,
				);
			}),
		]);
		if (majorVersion(n8n) < 2) await setupOwner(proc.baseUrl, options.owner || DEFAULT_OWNER);
		return proc;
	} catch (err) {
		await proc.stop();
		throw err;
	}
}

/**
 * n8n 1.x: claims the instance with POST /rest/owner/setup, what the editor's first page does
 * (1.x reads no owner from the environment). A second main on the same database finds the
 * owner set up already, which is just as good.
 */
async function setupOwner(baseUrl, owner = DEFAULT_OWNER) {
	const res = await fetch(`${baseUrl}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			email: owner.email,
			firstName: owner.firstName,
			lastName: owner.lastName,
			password: owner.password,
		}),
	});
	const text = await res.text();
	if (res.status === 200 || (res.status === 400 && /already setup/i.test(text))) return;
	throw new Error(
		`setting up the owner ${owner.email} failed: HTTP ${res.status} ${text.slice(0, 500)}`,
	);
}

/** Resolves once GET <baseUrl>/healthz/readiness answers 200 (database connected and migrated, server up). */
async function waitForReady(baseUrl, timeout = 120000) {
	await waitUntil(
		async () => {
			const res = await fetch(`${baseUrl}/healthz/readiness`, {
				signal: AbortSignal.timeout(2000),
			});
			await res.arrayBuffer();
			return res.status === 200;
		},
		{ timeout, interval: 300, what: `${baseUrl}/healthz/readiness` },
	);
}

/**
 * Resolves once n8n serves the production webhook `path` for `method` (n8n 2.x activates published
 * workflows in the background, after the server is ready). Probes with GET, which n8n answers
 * "This webhook is not registered for GET requests. Did you mean to make a POST request?" once the
 * POST webhook exists, and "The requested webhook ... is not registered" before.
 */
async function waitForWebhook(baseUrl, webhookPath, { method = 'POST', timeout = 120000 } = {}) {
	if (method === 'GET')
		throw new Error('waitForWebhook probes with GET: it cannot wait for a GET webhook');
	await waitUntil(
		async () => {
			const res = await fetch(`${baseUrl}/webhook/${webhookPath}`, {
				signal: AbortSignal.timeout(5000),
			});
			const text = await res.text();
			return res.status === 404 && /Did you mean to make a/.test(text) && text.includes(method);
		},
		{
			timeout,
			interval: 500,
			what: `the ${method} webhook /webhook/${webhookPath} to be registered (workflow activation)`,
		},
	);
}

/**
 * A logged-in REST session on a running n8n (cookie + browser-id, as the editor sends them).
 * Returns { request(method, path, body) -> { status, body }, cookie, browserId }.
 */
async function login(baseUrl, owner = DEFAULT_OWNER) {
	const browserId = crypto.randomUUID();
	const res = await fetch(`${baseUrl}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': browserId },
		body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
	});
	const text = await res.text();
	if (res.status !== 200)
		throw new Error(`login as ${owner.email} failed: HTTP ${res.status} ${text.slice(0, 500)}`);
	const cookie = (res.headers.getSetCookie?.() || [res.headers.get('set-cookie')])
		.filter(Boolean)
		.map((c) => c.split(';')[0])
		.join('; ');
	async function request(method, urlPath, body) {
		const r = await fetch(`${baseUrl}${urlPath}`, {
			method,
			headers: {
				cookie,
				'browser-id': browserId,
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const t = await r.text();
		let parsed = t;
		try {
			parsed = JSON.parse(t);
		} catch {
			/* not JSON */
		}
		return { status: r.status, body: parsed };
	}
	return { request, cookie, browserId, user: JSON.parse(text).data };
}

/**
 * Everything up to a ready-to-start user folder: provisions n8n, creates the folder with the
 * package installed, imports credentials and workflows, publishes `activate` ids.
 * Resolves { n8n, userFolder, env(options) -> env for a process on this folder, timings }.
 * options: { folder | root + name, keep (see createUserFolder), version (default $SAGE_ERP_N8N_VERSION or 2.40.7), credentials, workflows, activate, port, owner, quiet,
 *            env (variables for every n8n process on this folder, e.g. a Postgres database's DB_*) }
 */
async function prepareInstance(options = {}) {
	const timings = {};
	let t = Date.now();
	const n8n = await ensureN8n({ version: options.version, quiet: options.quiet });
	timings.provision = Date.now() - t;
	const userFolder = createUserFolder({
		folder: options.folder,
		keep: options.keep,
		root: options.root,
		name: options.name,
	});
	const port = options.port || (await freePort());
	const owner = options.owner || DEFAULT_OWNER;
	const ownerVars = ownerEnv(n8n, owner);
	const baseEnv = options.env || {};
	const envFor = (extra = {}, opts = {}) =>
		n8nEnv(n8n, userFolder, {
			port,
			brokerPort: opts.brokerPort,
			extra: { ...ownerVars, ...baseEnv, ...extra },
		});
	const cliEnv = async () => envFor({}, { brokerPort: await freePort() });
	t = Date.now();
	if (options.credentials?.length)
		await importCredentials(n8n, await cliEnv(), options.credentials);
	timings.importCredentials = Date.now() - t;
	t = Date.now();
	if (options.workflows?.length) await importWorkflows(n8n, await cliEnv(), options.workflows);
	timings.importWorkflows = Date.now() - t;
	t = Date.now();
	if (options.activate?.length) await publishWorkflows(n8n, await cliEnv(), options.activate);
	timings.publish = Date.now() - t;
	return { n8n, userFolder, port, owner, env: envFor, cliEnv, timings };
}

/** Removes a user folder made by createUserFolder (keeps it when SAGE_ERP_KEEP_N8N_FOLDER=1). */
function removeUserFolder(userFolder) {
	if (!userFolder || process.env.SAGE_ERP_KEEP_N8N_FOLDER === '1') return;
	fs.rmSync(userFolder, { recursive: true, force: true });
}

module.exports = {
	REPO_ROOT,
	WORK_ROOT,
	PACKAGE_NAME,
	DEFAULT_OWNER,
	createUserFolder,
	packageDir,
	installPackage,
	removeUserFolder,
	ownerEnv,
	majorVersion,
	setupOwner,
	n8nEnv,
	n8nCli,
	importCredentials,
	importWorkflows,
	publishWorkflows,
	executeWorkflow,
	extractJson,
	outputItems,
	startN8n,
	waitForReady,
	waitForWebhook,
	login,
	prepareInstance,
};
