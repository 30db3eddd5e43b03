'use strict';
/**
 * A real n8n editor to film, for `npm run capture` and `npm run capture:first-workflow`: the
 * simulator, an n8n with this package, the simulator's credential and the given workflows, and
 * headless Chromium signed in to it. Everything stops and is removed afterwards.
 */
const path = require('path');
const n8nLib = require('./n8n');
const examples = require('./examples');
const { startSimulator } = require('./simulator');
const { stopAll, freePort } = require('./processes');
const { openBrowser, signIn } = require('./browser');

/** Runs `use({ page, baseUrl })` on a signed-in editor; resolves to what `use` resolves to. */
async function withEditor({ name, workflows, viewport }, use) {
	const sim = await startSimulator({ port: 0 });
	let inst;
	try {
		inst = await n8nLib.prepareInstance({
			name,
			credentials: [examples.simulatorCredential(sim)],
			workflows,
			quiet: true,
		});
		const n8n = await n8nLib.startN8n(inst.n8n, inst.env({}, { brokerPort: await freePort() }), {
			logFile: path.join(inst.userFolder, 'n8n.log'),
		});
		const { page, close } = await openBrowser(viewport);
		try {
			await signIn(page, n8n.baseUrl, inst.owner);
			return await use({ page, baseUrl: n8n.baseUrl });
		} finally {
			await close();
		}
	} finally {
		await stopAll();
		await sim.stop();
		if (inst) n8nLib.removeUserFolder(inst.userFolder);
	}
}

module.exports = { withEditor };
