'use strict';
/** Runs one of the bench's measuring scripts in a fresh process and parses the JSON line it prints. */
const path = require('path');
const { runCommand } = require('../../scripts/lib/processes');

const REPO_NODE_MODULES = path.resolve(__dirname, '..', '..', 'node_modules');

/**
 * nodeBin: the Node.js to run under (process.execPath or n8n's Node.js 24).
 * NODE_PATH lets a package snapshot outside the checkout resolve its peer n8n-workflow the way
 * n8n lets installed packages resolve it (from the host's modules).
 */
async function runJsonChild(nodeBin, script, args, { timeout = 600000 } = {}) {
	const env = { ...process.env, NODE_PATH: REPO_NODE_MODULES, NODE_OPTIONS: '' };
	for (const k of Object.keys(env))
		if (k.startsWith('npm_') || k === 'JEST_WORKER_ID') delete env[k];
	const res = await runCommand(
		nodeBin,
		[
			'--expose-gc',
			'--max-old-space-size=4096',
			path.join(__dirname, script),
			JSON.stringify(args),
		],
		{
			env,
			timeout,
			allowFailure: true,
		},
	);
	if (res.code !== 0)
		throw new Error(
			`${script} failed (exit ${res.code ?? res.signal}):\n${res.stderr.slice(-3000)}`,
		);
	const line = res.stdout.trim().split('\n').pop();
	return JSON.parse(line);
}

module.exports = { runJsonChild };
