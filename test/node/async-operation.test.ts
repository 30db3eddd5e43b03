/**
 * Asynchronous Operation → Start and Wait through the real n8n engine against the
 * simulator's report generation: start, poll until done, and the report PDF as binary data.
 */
import type { IBinaryData } from 'n8n-workflow';

import { dataRequests, errorOf, outputOf, runNode, useNodeEnv, warmUp } from './fixture';

const env = useNodeEnv({ seed: { customers: 30, salesOrders: 6 } });
const REPORT = { __rl: true, mode: 'list', value: 'xtremReporting.report.generateReportPdf' };
const startAndWait = {
	resource: 'asyncOperation',
	operation: 'startAndWait',
	asyncOperation: REPORT,
	options: { pollInterval: 0.2, timeLimit: 10 },
};
const operationNames = (from: number) =>
	dataRequests(env, from).map((request) => request.operationName);

async function until(condition: () => boolean, withinMs: number, what: string): Promise<void> {
	const deadline = Date.now() + withinMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`Waited ${withinMs} ms for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

beforeAll(async () => await warmUp(env));
afterEach(() => {
	env.sim.clock.unfreeze();
	env.sim.reports().setStatusNames({});
});

test('a file cut short on the way (fewer bytes than Sage announced) is an error, never output as if whole', async () => {
	env.sim.faults().set({ cutDownloadNext: 1 });
	const error = errorOf(
		await runNode(env, { ...startAndWait, arguments: '{ "reportName": "customerList" }' }),
	);
	const job = env.sim.reports().jobs().at(-1)!;
	expect(error.message).toBe(
		`The file ${job.file!.filename} arrived with ${Math.floor(job.file!.size / 2)} bytes, but Sage announced ${job.file!.size}: it was cut short (or altered) on the way, so it is not output. [item 0]`,
	);
	expect(env.sim.counters().faultsInjected.cutDownload).toBe(1);
});

test('starts the report, follows its status to success, and outputs the PDF as binary data', async () => {
	const from = env.sim.graphqlLog().length;
	const items = outputOf(
		await runNode(env, {
			...startAndWait,
			arguments: '{ "reportName": "customerList", "filter": { "country": { "id": "FR" } } }',
		}),
	);
	const job = env.sim.reports().jobs().at(-1)!;
	expect(items).toHaveLength(1);
	const [item] = items;
	expect(item.json).toEqual({
		trackingId: job.trackingId,
		status: 'success',
		errorMessage: null,
		result: {
			key: job.file!.key,
			filename: job.file!.filename,
			mimeType: 'application/pdf',
			contentLength: job.file!.size,
			downloadUrl: expect.stringContaining(`/download/${job.file!.key}`),
		},
	});
	expect(item.pairedItem).toEqual({ item: 0 });
	const binary = item.binary?.data as IBinaryData;
	const bytes = Buffer.from(binary.data, 'base64');
	expect([
		binary.mimeType,
		binary.fileName,
		bytes.length,
		bytes.subarray(0, 5).toString('latin1'),
	]).toEqual(['application/pdf', job.file!.filename, job.file!.size, '%PDF-']);
	expect(job.downloads).toBe(1);
	// An object given for the text argument `filter` went as its JSON text.
	expect(dataRequests(env, from)[0].variables).toEqual({
		reportName: 'customerList',
		filter: '{"country":{"id":"FR"}}',
	});
	const names = operationNames(from);
	expect(names[0]).toBe('SageErpAsyncStart');
	expect(names.slice(1).every((name) => name === 'SageErpAsyncTrack')).toBe(true);
	expect(names.length).toBeGreaterThanOrEqual(3); // pending, running, success: it waited for the clock
});

test('takes whatever status words Sage uses; Download File off gives the link without the file', async () => {
	env.sim
		.reports()
		.setStatusNames({ pending: 'queued', running: 'In Progress', success: 'completed' });
	const [item] = outputOf(
		await runNode(env, {
			...startAndWait,
			arguments: '{ "reportName": "salesOrderList" }',
			options: { ...startAndWait.options, downloadFile: false },
		}),
	);
	expect(item.json.status).toBe('completed');
	expect(item.binary).toBeUndefined();
	expect(env.sim.reports().jobs().at(-1)!.downloads).toBe(0);
});

test('a failed operation fails its item with Sage’s status and message; with Continue On Fail the next item still runs', async () => {
	const failing = { ...startAndWait, arguments: '={{ JSON.stringify($json) }}' };
	const error = errorOf(
		await runNode(env, failing, { input: [{ reportName: 'customerList', filter: "{id:'NONE'}" }] }),
	);
	const job = env.sim.reports().jobs().at(-1)!;
	expect(error.message).toBe(
		`Sage's asynchronous operation xtremReporting.report.generateReportPdf ended with the status "error": The report is empty: no record matches the filter. [item 0]`,
	);
	expect(error.description).toContain(job.trackingId);

	const items = outputOf(
		await runNode(env, failing, {
			input: [
				{ reportName: 'customerList', filter: "{id:'NONE'}" },
				{ reportName: 'customerList' },
			],
			continueOnFail: true,
		}),
	);
	expect(items.map((item) => [Object.keys(item.json).sort(), item.pairedItem])).toEqual([
		[['error'], { item: 0 }],
		[['errorMessage', 'result', 'status', 'trackingId'], { item: 1 }],
	]);
	expect(items[1].binary?.data.mimeType).toBe('application/pdf');
});

test('the Time Limit fails the item, naming the last status and whether the node knows the word', async () => {
	env.sim.clock.freeze(); // the job never moves on
	const options = { pollInterval: 0.2, timeLimit: 1 };
	const started = Date.now();
	const pending = errorOf(
		await runNode(env, { ...startAndWait, arguments: '{ "reportName": "customerList" }', options }),
	);
	expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
	expect(pending.message).toMatch(
		/^Sage's asynchronous operation xtremReporting\.report\.generateReportPdf had not finished after 1 s \(Options > Time Limit\): its last status was "pending"\. Tracking ID: [0-9a-f]{24}\. \[item 0\]$/,
	);
	env.sim.reports().setStatusNames({ pending: 'wibble' });
	const odd = errorOf(
		await runNode(env, { ...startAndWait, arguments: '{ "reportName": "customerList" }', options }),
	);
	expect(odd.message).toContain(
		'its last status was "wibble", a word the node does not know as finished or failed.',
	);
});

test('a stopped execution stops polling at once', async () => {
	env.sim.clock.freeze();
	const controller = new AbortController();
	const from = env.sim.graphqlLog().length;
	// Polls every 2 s: stopped during a wait, the run must end long before the next poll was due.
	const run = runNode(
		env,
		{
			...startAndWait,
			arguments: '{ "reportName": "customerList" }',
			options: { pollInterval: 2, timeLimit: 60 },
		},
		{ signal: controller.signal },
	);
	await until(
		() => operationNames(from).includes('SageErpAsyncTrack'),
		5_000,
		'the first status request',
	);
	const stoppedAt = Date.now();
	controller.abort();
	const result = await run;
	expect(result.raw.status).toBe('canceled');
	expect(Date.now() - stoppedAt).toBeLessThan(1_000);
	const sent = operationNames(from).length;
	await new Promise((resolve) => setTimeout(resolve, 2_500));
	expect(operationNames(from)).toHaveLength(sent);
});

test('bad input fails before anything is started, naming the field', async () => {
	const before = env.sim.reports().jobs().length;
	// Schema requests are not what the item sends: an operation may need types not loaded yet.
	const sent = () => env.sim.counters().graphqlRequests - env.sim.counters().graphqlIntrospections;
	const requests = sent();
	const cases: Array<[Record<string, unknown>, string]> = [
		[
			{ asyncOperation: { ...REPORT, value: 'xtremReporting.report.generateReport' } },
			'The asynchronous operation "xtremReporting.report.generateReport" does not exist in this Sage tenant. [item 0]',
		],
		[
			{ asyncOperation: { ...REPORT, value: 'xtremSales.salesOrder.generateReportPdf' } },
			'The asynchronous operation "xtremSales.salesOrder.generateReportPdf" does not exist in this Sage tenant. [item 0]',
		],
		[
			{ arguments: '{ "reportName": "customerList", "format": "A4" }' },
			'Arguments: xtremReporting.report.generateReportPdf takes no argument "format"; it takes reportName, filter. [item 0]',
		],
		[
			{ arguments: '{}' },
			'Arguments: "reportName" is required by xtremReporting.report.generateReportPdf. [item 0]',
		],
		[
			{ arguments: '{ "reportName": ' },
			'Arguments is not valid JSON: Unexpected end of JSON input [item 0]',
		],
		[
			{ arguments: '{ "reportName": "customerList" }', resultFields: 'filename size' },
			'Result Fields: Cannot query field "size" on type "ReportFile". [item 0]',
		],
		[
			{ arguments: '{ "reportName": "customerList" }', options: { pollInterval: 0 } },
			'Poll Interval must be a positive number of seconds, not 0 [item 0]',
		],
	];
	for (const [parameters, message] of cases)
		expect(errorOf(await runNode(env, { ...startAndWait, ...parameters })).message).toBe(message);
	const suggestion = errorOf(
		await runNode(env, {
			...startAndWait,
			asyncOperation: { ...REPORT, value: 'xtremSales.salesOrder.generateReportPdf' },
		}),
	);
	expect(suggestion.description).toBe(
		'Did you mean xtremReporting.report.generateReportPdf? Asynchronous operations are written package.node.operation.',
	);
	expect(env.sim.reports().jobs()).toHaveLength(before);
	expect(sent()).toBe(requests);
});

test('Sage refusing the start (an unknown report) fails the item with Sage’s message', async () => {
	const before = env.sim.reports().jobs().length;
	const from = env.sim.graphqlLog().length;
	const error = errorOf(
		await runNode(env, { ...startAndWait, arguments: '{ "reportName": "payroll" }' }),
	);
	expect(error.message).toBe(
		"Unknown report 'payroll'. Reports: customerList, salesOrderList. (at xtremReporting.report.generateReportPdf.start) [item 0]",
	);
	expect(operationNames(from)).toEqual(['SageErpAsyncStart']);
	expect(env.sim.reports().jobs()).toHaveLength(before);
});
