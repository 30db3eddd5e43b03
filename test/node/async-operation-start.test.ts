/**
 * Asynchronous Operation → Start and Get Status through the real n8n engine against the
 * simulator's report generation: work that outlasts one execution, started in one and read
 * in later ones by its tracking ID.
 */
import type { IBinaryData } from 'n8n-workflow';

import { REPORT_DONE_MS } from '../simulator/async-report';
import { dataRequests, errorOf, outputOf, runNode, useNodeEnv } from './fixture';

const env = useNodeEnv({ seed: { customers: 30, salesOrders: 6 } });
const REPORT = { __rl: true, mode: 'list', value: 'xtremReporting.report.generateReportPdf' };
const NAME = 'xtremReporting.report.generateReportPdf';
const start = { resource: 'asyncOperation', operation: 'start', asyncOperation: REPORT };
// Tracking ID left at its default, `{{ $json.trackingId }}`: the item Start output.
const getStatus = { resource: 'asyncOperation', operation: 'getStatus', asyncOperation: REPORT };
const operationNames = (from: number) =>
	dataRequests(env, from).map((request) => request.operationName);

afterEach(() => env.sim.clock.unfreeze());

async function started(args: string): Promise<string> {
	const [item] = outputOf(await runNode(env, { ...start, arguments: args }));
	return String(item.json.trackingId);
}

test('Start sends one start mutation and outputs the tracking ID at once; Get Status reads it running, then succeeded with the PDF', async () => {
	env.sim.clock.freeze();
	const from = env.sim.graphqlLog().length;
	const items = outputOf(
		await runNode(env, { ...start, arguments: '{ "reportName": "customerList" }' }),
	);
	const job = env.sim.reports().jobs().at(-1)!;
	expect(items.map((item) => [item.json, item.pairedItem])).toEqual([
		[{ asyncOperation: NAME, trackingId: job.trackingId }, { item: 0 }],
	]);
	expect(operationNames(from)).toHaveLength(1);

	const input = [{ trackingId: job.trackingId }];
	const [running] = outputOf(await runNode(env, getStatus, { input }));
	expect(running.json).toMatchObject({
		asyncOperation: NAME,
		trackingId: job.trackingId,
		state: 'running',
		status: 'pending',
	});
	expect(running.binary).toBeUndefined();
	expect(job.downloads).toBe(0);

	env.sim.clock.advance(REPORT_DONE_MS);
	const [done] = outputOf(await runNode(env, getStatus, { input }));
	expect(done.json).toMatchObject({ state: 'succeeded', status: 'success', errorMessage: null });
	const binary = done.binary?.data as IBinaryData;
	const bytes = Buffer.from(binary.data, 'base64');
	expect([binary.mimeType, bytes.length, bytes.subarray(0, 5).toString('latin1')]).toEqual([
		'application/pdf',
		job.file!.size,
		'%PDF-',
	]);
	expect(
		env.sim
			.reports()
			.jobs()
			.find((j) => j.trackingId === job.trackingId)?.downloads,
	).toBe(1);
	// One start in all: the status requests started nothing.
	expect(
		env.sim
			.reports()
			.jobs()
			.filter((j) => j.startedAt >= job.startedAt),
	).toHaveLength(1);
});

test('Get Status answers a failed operation as an item with state "failed", not an error', async () => {
	const trackingId = await started(
		'{ "reportName": "customerList", "filter": { "name": "nobody at all" } }',
	);
	env.sim.clock.advance(REPORT_DONE_MS);
	const [item] = outputOf(await runNode(env, getStatus, { input: [{ trackingId }] }));
	expect(item.json).toMatchObject({
		trackingId,
		state: 'failed',
		status: 'error',
		errorMessage: 'The report is empty: no record matches the filter.',
	});
	expect(item.binary).toBeUndefined();
});

test('Get Status: a Tracking ID that comes out empty is refused before any request; an unknown one gets Sage’s refusal', async () => {
	const from = env.sim.graphqlLog().length;
	// The default expression on an item without a trackingId (n8n itself refuses to run a node
	// whose required parameter is empty as saved).
	const empty = errorOf(await runNode(env, getStatus, { input: [{ id: 'no tracking ID here' }] }));
	expect(empty.message).toBe('Tracking ID is empty [item 0]');
	expect(dataRequests(env, from)).toEqual([]);
	const unknown = errorOf(
		await runNode(env, { ...getStatus, trackingId: 'feedfacefeedfacefeedface' }),
	);
	expect(unknown.message).toContain("Unknown tracking ID 'feedfacefeedfacefeedface'");
});

test('Start with Download File off in Get Status: the result without the file', async () => {
	const trackingId = await started('{ "reportName": "salesOrderList" }');
	env.sim.clock.advance(REPORT_DONE_MS);
	const [item] = outputOf(
		await runNode(
			env,
			{ ...getStatus, trackingId, resultFields: 'filename', options: { downloadFile: false } },
			{},
		),
	);
	expect(item.json).toEqual({
		asyncOperation: NAME,
		trackingId,
		state: 'succeeded',
		status: 'success',
		errorMessage: null,
		result: { filename: expect.stringMatching(/^salesOrderList-.*\.pdf$/) },
	});
	expect(item.binary).toBeUndefined();
});
