/**
 * The simulator's share of "the rest of Sage's API": bulkUpdate in one transaction,
 * aggregates with `count`, `_action` on vital collections, and an asynchronous report
 * whose file needs the bearer token. Each refuses what Sage refuses.
 */
import { REPORT_DONE_MS, REPORT_QUEUED_MS, Simulator, startSimulator } from './index';
import { HttpResult, http, session } from './test-helpers';

type Gql = (query: string, variables?: Record<string, unknown>) => Promise<HttpResult>;

let sim: Simulator;
let gql: Gql;
let accessToken: string;
let refreshToken: string;
beforeEach(async () => {
	sim = await startSimulator({ seed: { customers: 25, items: 10, salesOrders: 8 } });
	const s = await session(sim);
	gql = s.gql;
	accessToken = s.tokens.accessToken;
	refreshToken = s.tokens.refreshToken;
});
afterEach(async () => {
	await sim.stop();
});

const customers = () => sim.store().list('xtremMasterData.customer');

describe('bulkUpdate', () => {
	const BULK = `mutation($f: String, $d: Customer_Input!) { xtremMasterData { customer { bulkUpdate(filter: $f, data: $d) } } }`;

	test('updates every record the filter matches, counted once per record, and answers true', async () => {
		const french = customers().filter((c) => String(c.id).startsWith('FR'));
		const r = await gql(BULK, { f: "{country:{id:'FR'}}", d: { paymentTermDays: 45 } });
		expect(r.json).toEqual({
			data: { xtremMasterData: { customer: { bulkUpdate: true } } },
			extensions: { diagnoses: [] },
		});
		expect(
			customers().filter((c) => c.paymentTermDays === 45 && String(c.id).startsWith('FR')).length,
		).toBe(french.length);
		expect(sim.counters().mutations.update).toBe(french.length);
	});

	test('a failure of the request changes nothing: a natural key given to several records is rolled back whole', async () => {
		const before = customers();
		const r = await gql(BULK, { f: "{country:{id:'US'}}", d: { id: 'SAME' } });
		expect(r.json.errors[0]).toMatchObject({
			message: 'A record already exists with the same data.',
			path: ['xtremMasterData', 'customer', 'bulkUpdate'],
		});
		expect(customers()).toEqual(before);
		const badReference = await gql(BULK, { f: '{}', d: { currency: '#XXX' } });
		expect(badReference.json.errors[0].message).toMatch(/invalid reference '#XXX'/);
		const withId = await gql(BULK, { f: '{}', d: { _id: '1', name: 'x' } });
		expect(withId.json.errors[0].message).toMatch(/data cannot hold _id/);
		expect(customers()).toEqual(before);
		expect(sim.counters().mutations.update).toBe(0);
	});

	test('records a business rule refuses stay unchanged without a word; the others are updated', async () => {
		const orders = sim.store().list('xtremSales.salesOrder');
		const closed = orders.filter((o) => o.status === 'closed');
		expect(closed.length).toBeGreaterThan(0);
		const r = await gql(
			`mutation { xtremSales { salesOrder { bulkUpdate(filter: "{}", data: { customerReference: "BULK" }) } } }`,
		);
		expect(r.json).toEqual({
			data: { xtremSales: { salesOrder: { bulkUpdate: true } } },
			extensions: { diagnoses: [] },
		});
		const after = sim.store().list('xtremSales.salesOrder');
		expect(after.filter((o) => o.customerReference === 'BULK')).toHaveLength(
			orders.length - closed.length,
		);
		expect(after.filter((o) => o.status === 'closed').map((o) => o.customerReference)).toEqual(
			closed.map((o) => o.customerReference),
		);
	});

	test('refuses collections and a bad filter', async () => {
		const lines = await gql(
			`mutation { xtremSales { salesOrder { bulkUpdate(filter: "{}", data: { lines: [] }) } } }`,
		);
		expect(lines.json.errors[0].message).toMatch(/collections \(lines\) cannot be changed in bulk/);
		const filter = await gql(BULK, { f: '{nope:1}', d: { name: 'x' } });
		expect(filter.json.errors[0].message).toMatch(/nope/);
	});
});

describe('aggregates', () => {
	test('count is the number of non-null values; sums and averages are strings', async () => {
		const r = await gql(
			`{ xtremMasterData { customer { readAggregate { email { count distinctCount } creditLimit { count sum } } } } }`,
		);
		const agg = r.json.data.xtremMasterData.customer.readAggregate;
		expect(agg.email.count).toBe(customers().filter((c) => c.email !== null).length);
		expect(agg.creditLimit).toEqual({
			count: 25,
			sum: String(customers().reduce((total, c) => total + (c.creditLimit as number), 0)),
		});
	});
});

describe('_action on vital collections (sales order lines)', () => {
	const UPDATE = `mutation($d: SalesOrder_Input!) { xtremSales { salesOrder { update(data: $d) { lines { query { edges { node { _id lineNumber quantity } } } } } } } }`;
	const pendingOrder = () =>
		sim
			.store()
			.list('xtremSales.salesOrder')
			.find((o) => o.status === 'pending')!;
	const linesOf = (orderId: unknown) =>
		sim
			.store()
			.list('xtremSales.salesOrderLine')
			.filter((l) => l.document === orderId);

	test('a negative _id is a new line, with or without _action: "create"', async () => {
		const order = pendingOrder();
		const before = linesOf(order._id).length;
		const r = await gql(UPDATE, {
			d: {
				_id: order._id,
				lines: [
					{ _id: '-1', _action: 'create', item: '#ITEM-2', quantity: 3 },
					{ _id: '-2', item: '#ITEM-3', quantity: 4 },
				],
			},
		});
		expect(r.json.errors).toBeUndefined();
		expect(linesOf(order._id)).toHaveLength(before + 2);
	});

	test('refuses a new line with a positive _id, two new lines with one _id, and update or delete of a line not on the order', async () => {
		const order = pendingOrder();
		const other = sim
			.store()
			.list('xtremSales.salesOrderLine')
			.find((l) => l.document !== order._id)!;
		const refusals = [
			[
				{ _id: '5', _action: 'create', item: '#ITEM-2', quantity: 1 },
				`lines[0]: a new line takes a negative _id (e.g. "-1"), not '5'.`,
			],
			[
				{ _id: 'x1', item: '#ITEM-2', quantity: 1 },
				"lines[0]: invalid _id 'x1': an integer, negative for a new line.",
			],
			[
				{ _id: '-1', _action: 'delete' },
				"lines[0]: the sales order line '-1' was not found on this order.",
			],
			[
				{ _id: other._id, _action: 'update', quantity: 2 },
				`lines[0]: the sales order line '${String(other._id)}' was not found on this order.`,
			],
			[{ _action: 'remove' }, 'lines[0]: _action must be create, update or delete.'],
		] as const;
		for (const [line, message] of refusals) {
			const r = await gql(UPDATE, { d: { _id: order._id, lines: [line] } });
			expect(r.json.errors?.[0]?.message).toBe(message);
		}
		const twice = await gql(UPDATE, {
			d: {
				_id: order._id,
				lines: [
					{ _id: '-1', item: '#ITEM-2', quantity: 1 },
					{ _id: '-1', item: '#ITEM-3', quantity: 1 },
				],
			},
		});
		expect(twice.json.errors[0].message).toBe("lines[1]: the _id '-1' is given to two new lines.");
		expect(sim.counters().mutations.update).toBe(0);
	});

	test('_action is not an input of the order itself, and a closed order cannot be changed', async () => {
		const r = await gql(
			`mutation { xtremSales { salesOrder { update(data: { _id: "1", _action: "update" }) { _id } } } }`,
		);
		expect(r.status).toBe(400);
		const closed = sim
			.store()
			.list('xtremSales.salesOrder')
			.find((o) => o.status === 'closed')!;
		const refused = await gql(UPDATE, { d: { _id: closed._id, customerReference: 'x' } });
		expect(refused.json.errors[0].message).toBe(
			`The sales order ${String(closed.number)} is closed: it cannot be changed.`,
		);
	});
});

describe('asynchronous report generation', () => {
	const START = `mutation($name: String!, $filter: String) { xtremReporting { report { generateReportPdf { start(reportName: $name, filter: $filter) { trackingId } } } } }`;
	const TRACK = `query($id: String!) { xtremReporting { report { generateReportPdf { track(trackingId: $id) { status errorMessage result { key filename mimeType contentLength downloadUrl } } } } } }`;
	const start = async (name: string, filter?: string) => (await gql(START, { name, filter })).json;
	const track = async (id: string) =>
		(await gql(TRACK, { id })).json.data.xtremReporting.report.generateReportPdf.track;

	test('statuses move with the clock: pending, running, success with a file', async () => {
		sim.clock.freeze();
		const started = await start('customerList', "{country:{id:'FR'}}");
		const trackingId = started.data.xtremReporting.report.generateReportPdf.start.trackingId;
		expect(trackingId).toMatch(/^[0-9a-f]{24}$/);
		expect(await track(trackingId)).toEqual({
			status: 'pending',
			errorMessage: null,
			result: null,
		});
		sim.clock.advance(REPORT_QUEUED_MS);
		expect((await track(trackingId)).status).toBe('running');
		sim.clock.advance(REPORT_DONE_MS);
		const done = await track(trackingId);
		const [job] = sim.reports().jobs();
		expect(done).toEqual({
			status: 'success',
			errorMessage: null,
			result: {
				key: job.file!.key,
				filename: job.file!.filename,
				mimeType: 'application/pdf',
				contentLength: job.file!.size,
				downloadUrl: `${sim.baseUrl}/v1/fwd/demo-tenant/download/${job.file!.key}`,
			},
		});
	});

	test('the file needs the bearer token: 401 without it or with a refresh token, the PDF with it', async () => {
		sim.clock.freeze();
		const trackingId = (await start('customerList')).data.xtremReporting.report.generateReportPdf
			.start.trackingId;
		sim.clock.advance(REPORT_DONE_MS);
		const { downloadUrl, contentLength } = (await track(trackingId)).result;
		expect((await http('GET', downloadUrl)).status).toBe(401);
		expect(
			(await http('GET', downloadUrl, { headers: { authorization: `Bearer ${refreshToken}` } }))
				.status,
		).toBe(401);
		expect(
			(await http('GET', downloadUrl, { headers: { authorization: 'Bearer sdmo_at_forged' } }))
				.status,
		).toBe(401);
		const res = await fetch(downloadUrl, { headers: { authorization: `Bearer ${accessToken}` } });
		const bytes = Buffer.from(await res.arrayBuffer());
		expect([res.status, res.headers.get('content-type'), bytes.length]).toEqual([
			200,
			'application/pdf',
			contentLength,
		]);
		expect(bytes.subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
		expect(bytes.subarray(-6).toString('latin1')).toBe('%%EOF\n');
		expect(
			(
				await http('GET', downloadUrl.replace(/[0-9a-f]+$/, 'nope'), {
					headers: { authorization: `Bearer ${accessToken}` },
				})
			).status,
		).toBe(404);
		sim.clock.advance(2 * 60 * 60 * 1000);
		expect(
			(
				await http('GET', downloadUrl, {
					headers: { authorization: `Bearer ${(await session(sim)).tokens.accessToken}` },
				})
			).status,
		).toBe(404);
	});

	test('fails when the report is empty; refuses an unknown report, a bad filter and an unknown tracking ID', async () => {
		sim.clock.freeze();
		const trackingId = (await start('customerList', "{id:'NONE'}")).data.xtremReporting.report
			.generateReportPdf.start.trackingId;
		sim.clock.advance(REPORT_DONE_MS);
		expect(await track(trackingId)).toEqual({
			status: 'error',
			errorMessage: 'The report is empty: no record matches the filter.',
			result: null,
		});
		expect((await start('payroll')).errors[0].message).toBe(
			"Unknown report 'payroll'. Reports: customerList, salesOrderList.",
		);
		expect((await start('customerList', '{nope:1}')).errors[0].message).toMatch(/nope/);
		const unknown = await gql(TRACK, { id: 'abc' });
		expect(unknown.json.errors[0].message).toBe("Unknown tracking ID 'abc'.");
	});

	test('status words can be renamed, to show clients that any string may come', async () => {
		sim.reports().setStatusNames({ running: 'inProgress', success: 'completed' });
		sim.clock.freeze();
		const trackingId = (await start('salesOrderList')).data.xtremReporting.report.generateReportPdf
			.start.trackingId;
		sim.clock.advance(REPORT_QUEUED_MS);
		expect((await track(trackingId)).status).toBe('inProgress');
		sim.clock.advance(REPORT_DONE_MS);
		expect((await track(trackingId)).status).toBe('completed');
	});
});
