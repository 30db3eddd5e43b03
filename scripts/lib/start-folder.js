'use strict';
/**
 * The n8n user folder `npm start` keeps between runs, so that a user's workflows, executions
 * and settings survive a restart. The example workflows are imported into it only when they
 * are missing or changed in the repository, and never over a workflow the user edited:
 * `sage-erp-examples.json` in the folder records, per example, the hash of the file imported
 * and what n8n stored: its `versionId` and a hash of its name, nodes, connections, settings and
 * pinned data. n8n gives a new versionId when nodes or connections change, but not for a new
 * name or settings, and it moves `updatedAt` when a workflow is merely published, so both the
 * versionId and the content are compared: either one changed means the user edited it.
 * Static data (a trigger's state) and the active flag are not the user's edits and not compared.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');
const n8nLib = require('./n8n');
const { pidAlive } = require('./processes');

const MANIFEST = 'sage-erp-examples.json';
const LOCK = 'npm-start.pid';

/** ~/.cache/n8n-nodes-sage-erp/start (beside the provisioned n8n), or $SAGE_ERP_START_FOLDER. */
function defaultStartFolder() {
	if (process.env.SAGE_ERP_START_FOLDER) return path.resolve(process.env.SAGE_ERP_START_FOLDER);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-sage-erp', 'start');
}

/** What a workflow file holds, as a hash: key order and whitespace of the file do not count. */
function exampleHash(workflow) {
	const canonical = (value) => {
		if (Array.isArray(value)) return value.map(canonical);
		if (value === null || typeof value !== 'object') return value;
		return Object.fromEntries(
			Object.keys(value)
				.sort()
				.map((key) => [key, canonical(value[key])]),
		);
	};
	return crypto
		.createHash('sha256')
		.update(JSON.stringify(canonical(workflow)))
		.digest('hex');
}

function readManifest(folder) {
	try {
		return JSON.parse(fs.readFileSync(path.join(folder, MANIFEST), 'utf8')).examples || {};
	} catch {
		return {};
	}
}

function writeManifest(folder, examples) {
	const body = {
		note: 'What npm start imported (see scripts/lib/start-folder.js); delete this folder or use --fresh to start clean.',
		examples,
	};
	fs.writeFileSync(path.join(folder, MANIFEST), `${JSON.stringify(body, null, 2)}\n`);
}

/**
 * What to do with each example: import it (missing in n8n, or changed in the repository and
 * untouched in n8n), keep it (unchanged), or keep the user's edit of it (changed on both sides).
 * stored: id -> { versionId, contentHash } of the workflows in n8n; manifest: id -> { hash, versionId, storedHash }.
 */
function planExamples(examples, stored, manifest) {
	const plan = { imports: [], unchanged: [], edited: [] };
	for (const workflow of examples) {
		const inN8n = stored[workflow.id];
		const imported = manifest[workflow.id];
		const hash = exampleHash(workflow);
		const untouched =
			imported &&
			imported.versionId === inN8n?.versionId &&
			imported.storedHash === inN8n?.contentHash;
		if (!inN8n) plan.imports.push({ workflow, hash, why: imported ? 'deleted in n8n' : 'new' });
		else if (imported && imported.hash === hash) plan.unchanged.push(workflow);
		else if (untouched) plan.imports.push({ workflow, hash, why: 'changed in the repository' });
		else plan.edited.push(workflow);
	}
	return plan;
}

/** What the user can change in a stored workflow, as a hash (see the top of this file). */
function contentHash(stored) {
	const { name, nodes, connections, settings, pinData } = stored;
	return exampleHash({
		name,
		nodes,
		connections,
		settings: settings ?? {},
		pinData: pinData ?? {},
	});
}

/** id -> { versionId, contentHash, active } of every workflow in the folder's database (`n8n export:workflow --all`). */
async function storedWorkflows(n8n, env) {
	const file = path.join(env.N8N_USER_FOLDER, `export-${crypto.randomUUID()}.json`);
	try {
		const res = await n8nLib.n8nCli(n8n, env, ['export:workflow', '--all', `--output=${file}`], {
			allowFailure: true,
		});
		// An empty database exports nothing (and says so): no file, no workflow.
		if (!fs.existsSync(file)) {
			if (res.code === 0 || /No workflows found/i.test(res.stdout + res.stderr)) return {};
			throw new Error(
				`n8n export:workflow failed (exit code ${res.code}): ${(res.stdout + res.stderr).slice(-800)}`,
			);
		}
		const list = JSON.parse(fs.readFileSync(file, 'utf8'));
		return Object.fromEntries(
			(Array.isArray(list) ? list : [list]).map((w) => [
				w.id,
				{ versionId: w.versionId, contentHash: contentHash(w), active: Boolean(w.active) },
			]),
		);
	} finally {
		fs.rmSync(file, { force: true });
	}
}

/**
 * Brings the folder's examples in step with the repository (see planExamples) and records
 * what was imported. A published example is unpublished before it is imported again (n8n's
 * import refuses to replace an active workflow) and published after, as on a first start.
 * Resolves the plan, for the caller to report. `empty`: the folder's database is new, so the
 * export that finds what it holds (one n8n CLI run, 5-10 s) is skipped.
 */
async function syncExamples({ n8n, cliEnv, folder, examples, activatable, empty = false }) {
	const manifest = empty ? {} : readManifest(folder);
	const stored = empty ? {} : await storedWorkflows(n8n, await cliEnv());
	const plan = planExamples(examples, stored, manifest);
	const ids = plan.imports.map((i) => i.workflow.id);
	if (ids.length) {
		for (const id of ids.filter((i) => stored[i]?.active))
			await n8nLib.n8nCli(n8n, await cliEnv(), ['unpublish:workflow', `--id=${id}`]);
		await n8nLib.importWorkflows(
			n8n,
			await cliEnv(),
			plan.imports.map((i) => i.workflow),
		);
		await n8nLib.publishWorkflows(
			n8n,
			await cliEnv(),
			ids.filter((id) => activatable.includes(id)),
		);
		const after = await storedWorkflows(n8n, await cliEnv());
		for (const { workflow, hash } of plan.imports) {
			manifest[workflow.id] = {
				file: workflow.file,
				hash,
				versionId: after[workflow.id]?.versionId,
				storedHash: after[workflow.id]?.contentHash,
			};
		}
		writeManifest(folder, manifest);
	}
	return plan;
}

/** True when the folder is one `npm start` made (or empty), so that --fresh may delete it. */
function isStartFolder(folder) {
	if (!fs.existsSync(folder)) return true;
	const entries = fs.readdirSync(folder);
	return entries.length === 0 || entries.includes(MANIFEST) || entries.includes('.n8n');
}

/** One `npm start` per folder at a time (two n8n processes on one SQLite database corrupt it). */
function lockFolder(folder) {
	fs.mkdirSync(folder, { recursive: true });
	const file = path.join(folder, LOCK);
	const owner = Number(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : NaN);
	if (owner && owner !== process.pid && pidAlive(owner) && looksLikeNode(owner)) {
		throw new Error(
			`another npm start (pid ${owner}) uses ${folder}: stop it first, or use \`npm start -- --folder <other folder>\``,
		);
	}
	fs.writeFileSync(file, String(process.pid));
	return () => fs.rmSync(file, { force: true });
}

/** A pid left by a killed run may since belong to another program: on Linux, ask /proc what runs there. */
function looksLikeNode(pid) {
	try {
		return /node/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
	} catch {
		return true;
	}
}

module.exports = {
	MANIFEST,
	defaultStartFolder,
	exampleHash,
	planExamples,
	storedWorkflows,
	syncExamples,
	isStartFolder,
	lockFolder,
};
