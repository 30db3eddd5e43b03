'use strict';
/**
 * The Sage ERP simulator in its own process (bench/lib/sim-host.js), and a small client for it.
 *   const sim = await startSimProcess({ tenants: [{ id: 'gm', seed: { customers: 50000 } }] });
 *   sim.tokenUrl, sim.client('gm') -> { clientId, clientSecret, tenantId, graphqlUrl }
 *   await sim.latency('gm', 150); await sim.counters('gm'); await sim.stop();
 */
const path = require('path');
const { fork } = require('child_process');

async function startSimProcess({ seed, tenants = [], schemaScale, timeoutMs = 300000 } = {}) {
	const child = fork(path.join(__dirname, 'sim-host.js'), [], {
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		// The simulator is TypeScript: sim-host registers ts-node; nothing of the parent's flags is wanted.
		execArgv: ['--max-old-space-size=4096'],
		env: { ...process.env, NODE_OPTIONS: '' },
	});
	let nextId = 1;
	const pending = new Map();
	let exited = false;
	child.on('message', ({ id, ok, result, error }) => {
		const p = pending.get(id);
		if (!p) return;
		pending.delete(id);
		clearTimeout(p.timer);
		if (ok) p.resolve(result);
		else p.reject(new Error(`simulator: ${error}`));
	});
	child.on('exit', (code, signal) => {
		exited = true;
		for (const p of pending.values()) {
			clearTimeout(p.timer);
			p.reject(new Error(`simulator process exited (${signal || code})`));
		}
		pending.clear();
	});
	const call = (cmd, args, ms = 60000) =>
		new Promise((resolve, reject) => {
			if (exited) return reject(new Error('simulator process is not running'));
			const id = nextId++;
			const timer = setTimeout(() => {
				pending.delete(id);
				reject(new Error(`simulator did not answer '${cmd}' within ${ms} ms`));
			}, ms);
			pending.set(id, { resolve, reject, timer });
			child.send({ id, cmd, args });
		});

	let info;
	try {
		info = await call('start', { seed, tenants, schemaScale }, timeoutMs);
	} catch (err) {
		child.kill('SIGKILL');
		throw err;
	}
	return {
		pid: child.pid,
		baseUrl: info.baseUrl,
		tokenUrl: info.tokenUrl,
		defaultTenantId: info.defaultTenantId,
		client: (tenantId = info.defaultTenantId) => {
			const c = info.clients[tenantId];
			if (!c) throw new Error(`no simulator client for tenant '${tenantId}'`);
			return c;
		},
		counters: (tenantId) => call('counters', { tenantId }),
		resetCounters: () => call('resetCounters'),
		latency: (tenantId, latencyMs) => call('latency', { tenantId, latencyMs }),
		count: (tenantId, recordType) => call('count', { tenantId, recordType }),
		memory: () => call('memory'),
		cpuMs: () => call('cpu'),
		graphqlLog: (tenantId, clear = false) => call('graphqlLog', { tenantId, clear }),
		async stop() {
			if (exited) return;
			const gone = new Promise((r) => child.once('exit', r));
			call('stop').catch(() => {});
			const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
			await gone;
			clearTimeout(timer);
		},
	};
}

module.exports = { startSimProcess };
