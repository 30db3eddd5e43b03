'use strict';
/**
 * Scenario 5: a real tenant's size (issue "A real tenant's size"). The same first executions
 * against the small schema (the simulator's default) and the realistic one (`schemaScale:
 * 'real'`: 30 packages, about 1,000 node types, tens of MB of introspection), side by side in
 * the same run, each in a fresh process (nothing cached, as each queue-mode worker, each
 * `n8n execute`, the first execution after a restart):
 *   get     Get with Fields (a reference among them)
 *   create  Create with Fields
 *   list    the Record Type list (first page, then filtered)
 *   query   a GraphQL Query, checked against the schema before sending
 * in the in-process engine harness (time, GraphQL requests, schema requests, bytes received,
 * heap held afterwards), Get and Create also in real n8n (`n8n execute`: the node's
 * executionTime, peak RSS), and for reference what the whole schema costs (one full
 * introspection and buildClientSchema, as every fresh process did before).
 */
const rn = require('../lib/real-n8n');
const { runJsonChild } = require('../lib/child');
const { startSimProcess } = require('../lib/sim');
const wf = require('../lib/workflows');
const { medianOfRuns, ratio } = require('../lib/stats');

const TENANT = 'schema-scale';
const SEED = { customers: 250 };
const ACTIONS = ['get', 'create', 'list', 'query'];
const SCHEMAS = ['small', 'real'];

let serial = 0;

/** One first execution in a fresh harness process, with the simulator's CPU meanwhile (Sage's share of the time). */
async function harness(sim, packageDir, action) {
	const args = {
		packageDir,
		adminUrl: `${sim.baseUrl}/__admin`,
		credential: wf.sageCredential(TENANT, sim, TENANT),
		action,
		id: `FIRST${process.pid}${++serial}`,
	};
	const cpuBefore = await sim.cpuMs();
	const measured = await runJsonChild(process.execPath, 'harness-first.js', args);
	return { ...measured, simCpuMs: (await sim.cpuMs()) - cpuBefore };
}

async function fullIntrospection(sim) {
	const c = sim.client(TENANT);
	return await runJsonChild(process.execPath, 'full-introspection.js', {
		tokenUrl: sim.tokenUrl,
		client: { clientId: c.clientId, clientSecret: c.clientSecret, tenantId: c.tenantId },
	});
}

/** Workflows for n8n execute: a Get and a Create, each the first Sage execution of its process. */
function n8nWorkflows(creds) {
	const out = {};
	for (const schema of SCHEMAS) {
		const node = (name, parameters) => ({
			name,
			type: wf.SAGE_NODE,
			typeVersion: 1,
			credentials: wf.credentialRef(creds[schema]),
			parameters,
		});
		const customer = { __rl: true, mode: 'id', value: 'xtremMasterData.customer' };
		out[`${schema}:get`] = wf.chain(`${schema} first get`, [
			wf.manualTrigger(),
			wf.settle(),
			node('Sage ERP', {
				resource: 'record',
				operation: 'get',
				recordType: customer,
				id: '1',
				fields: '_id id name email currency { id name }',
			}),
		]);
		out[`${schema}:create`] = wf.chain(`${schema} first create`, [
			wf.manualTrigger(),
			wf.settle(),
			node('Sage ERP', {
				resource: 'record',
				operation: 'create',
				recordType: customer,
				data: '={{ JSON.stringify({ id: "N8N" + $now.toMillis(), name: "First", currency: "#EUR" }) }}',
				fields: '_id id name currency { id }',
			}),
		]);
	}
	return out;
}

async function n8nRun(instance, sims, schema, workflow) {
	const before = await sims[schema].counters(TENANT);
	const m = await rn.executeMeasured(instance, workflow.id);
	const after = await sims[schema].counters(TENANT);
	const { executionTime } = rn.nodeRun(m.run, 'Sage ERP');
	const diff = (key) => after[key] - before[key];
	return {
		ms: executionTime,
		maxRssMb: m.maxRssBeforeOutputKb ? m.maxRssBeforeOutputKb / 1024 : null,
		requests: diff('graphqlRequests'),
		schemaRequests: diff('graphqlIntrospections'),
		bytes: diff('graphqlBytes'),
	};
}

async function oneRun(ctx, sims, instance, workflows, runs) {
	const { packageDir } = ctx;
	for (const schema of SCHEMAS) {
		runs[`${schema}:full`].push(await fullIntrospection(sims[schema]));
		if (!packageDir) continue;
		for (const action of ACTIONS)
			runs[`${schema}:${action}`].push(await harness(sims[schema], packageDir, action));
		if (!instance) continue;
		for (const action of ['get', 'create'])
			runs[`${schema}:n8n-${action}`].push(
				await n8nRun(instance, sims, schema, workflows[`${schema}:${action}`]),
			);
	}
}

async function run(ctx) {
	const { config, sim, packageDir, log } = ctx;
	log('schema-scale: starting the realistic simulator (own process)');
	const real = await startSimProcess({
		schemaScale: 'real',
		tenants: [{ id: TENANT, seed: SEED }],
	});
	const sims = { small: sim, real };
	const withN8n = !config.inProcessOnly && !!packageDir;
	const creds = {
		small: wf.sageCredential('SchemaSmall', sim, TENANT),
		real: wf.sageCredential('SchemaReal', real, TENANT),
	};
	const workflows = withN8n ? n8nWorkflows(creds) : {};
	const instance = withN8n
		? await rn.prepareInstance({
				name: 'bench-schema-scale',
				packageDir,
				credentials: Object.values(creds),
				workflows: Object.values(workflows),
			})
		: null;
	const result = {
		subjects: subjectLabels(packageDir, withN8n),
		latencies: {},
		runner: withN8n ? `in-process harness and real n8n ${rn.n8nVersion}` : 'in-process harness',
	};
	try {
		for (const latencyMs of config.latencies) {
			for (const s of Object.values(sims)) await s.latency(TENANT, latencyMs);
			const runs = Object.fromEntries(Object.keys(result.subjects).map((key) => [key, []]));
			for (let r = 0; r < config.runs; r++) await oneRun(ctx, sims, instance, workflows, runs);
			const subjects = Object.fromEntries(
				Object.entries(runs)
					.filter(([, list]) => list.length)
					.map(([key, list]) => [key, { ...medianOfRuns(list), runs: list.length }]),
			);
			result.latencies[latencyMs] = { subjects, ratios: ratios(subjects) };
			log(
				`schema-scale @${latencyMs} ms: ${Object.entries(subjects)
					.map(([k, v]) => `${k} ${Math.round(v.ms)} ms`)
					.join(', ')}`,
			);
		}
	} finally {
		await real.stop();
		rn.removeInstance(instance);
	}
	return result;
}

function subjectLabels(packageDir, withN8n) {
	const labels = {};
	for (const schema of SCHEMAS) {
		labels[`${schema}:full`] = {
			schema,
			label: 'the whole schema: one full introspection + buildClientSchema (before this change)',
		};
		if (!packageDir) continue;
		labels[`${schema}:get`] = { schema, label: 'first Get with Fields (harness)' };
		labels[`${schema}:create`] = { schema, label: 'first Create with Fields (harness)' };
		labels[`${schema}:list`] = {
			schema,
			label: 'Record Type list: first page, then filtered (harness)',
		};
		labels[`${schema}:query`] = {
			schema,
			label: 'GraphQL Query, checked before sending (harness)',
		};
		if (!withN8n) continue;
		labels[`${schema}:n8n-get`] = { schema, label: 'first Get with Fields (n8n execute)' };
		labels[`${schema}:n8n-create`] = { schema, label: 'first Create with Fields (n8n execute)' };
	}
	return labels;
}

/** Realistic against small, per action: time, and heap held in MB more. */
function ratios(subjects) {
	const out = {};
	for (const action of [...ACTIONS, 'n8n-get', 'n8n-create', 'full']) {
		const small = subjects[`small:${action}`];
		const real = subjects[`real:${action}`];
		if (!small || !real) continue;
		out[action] = {
			time: ratio(real.ms, small.ms),
			heapMoreMb:
				real.heapHeldKb === undefined ? null : (real.heapHeldKb - small.heapHeldKb) / 1024,
		};
	}
	return out;
}

module.exports = { run, TENANT, SEED };
