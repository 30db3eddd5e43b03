'use strict';
/**
 * Child process that hosts the Sage ERP simulator for the benchmarks, so that the simulator's
 * CPU and memory never count against the process being measured. Driven over IPC by sim.js:
 *   { id, cmd, args } -> { id, ok, result } | { id, ok: false, error }
 */
const crypto = require('crypto');
const { startSimulator } = require('../../scripts/lib/simulator');

let sim = null;

const commands = {
	/** tenants: [{ id, seed }] in addition to the default one (seed: its sizes); schemaScale: 'small' (default) or 'real'. */
	async start({ seed, tenants = [], schemaScale }) {
		sim = await startSimulator({ port: 0, seed, schemaScale });
		const clients = { [sim.defaultTenantId]: { ...sim.client, graphqlUrl: sim.graphqlUrl() } };
		for (const t of tenants) {
			sim.addTenant(t.id, t.seed);
			const client = {
				clientId: `bench-${t.id}`,
				clientSecret: `bench-${crypto.randomBytes(12).toString('base64url')}`,
				tenantId: t.id,
			};
			sim.addClient(client);
			clients[t.id] = { ...client, graphqlUrl: sim.graphqlUrl(t.id) };
		}
		return {
			baseUrl: sim.baseUrl,
			tokenUrl: sim.tokenUrl,
			defaultTenantId: sim.defaultTenantId,
			clients,
		};
	},
	counters({ tenantId }) {
		return sim.counters(tenantId);
	},
	resetCounters() {
		sim.resetCounters();
		return true;
	},
	/** Latency added to every request of the tenant, token API included (Sage across a network). */
	latency({ tenantId, latencyMs }) {
		sim.faults(tenantId).set({ latencyMs, scope: 'all' });
		return sim.faults(tenantId).get();
	},
	count({ tenantId, recordType }) {
		return sim.store(tenantId).count(recordType);
	},
	/** The last GraphQL requests of a tenant (query text shortened), to see what a subject sent. */
	graphqlLog({ tenantId, clear }) {
		const log = sim.graphqlLog(tenantId).map((e) => ({
			operationName: e.operationName,
			query: String(e.query).replace(/\s+/g, ' ').slice(0, 160),
			variables: e.variables,
		}));
		if (clear) sim.clearGraphqlLog(tenantId);
		return log;
	},
	memory() {
		return process.memoryUsage();
	},
	/** CPU the simulator process used so far, in ms (user + system): Sage's share of a measurement. */
	cpu() {
		const { user, system } = process.cpuUsage();
		return (user + system) / 1000;
	},
	async stop() {
		if (sim) await sim.stop();
		sim = null;
		setImmediate(() => process.exit(0));
		return true;
	},
};

process.on('message', async (msg) => {
	const { id, cmd, args } = msg || {};
	try {
		if (!commands[cmd]) throw new Error(`unknown simulator command '${cmd}'`);
		const result = await commands[cmd](args || {});
		process.send({ id, ok: true, result });
	} catch (err) {
		process.send({ id, ok: false, error: err && err.stack ? err.stack : String(err) });
	}
});
process.on('disconnect', () => process.exit(0));
