/**
 * The Sage ERP Trigger under n8n's poll budget (`getPollBudgetMs()`, n8n 2.40+; the harness gives
 * it the way n8n's durable scheduler does, and on older engines the same way): a poll that has
 * more pages to read than its budget allows returns what it has read, and the next poll goes on
 * from there. Sage answers slowly (a fixed latency per request) so that a budget holds a known
 * most of pages: a page takes at least LATENCY_MS, and a poll asks for another page only while
 * the slowest one so far still fits, so a poll reads at most floor(BUDGET_MS / LATENCY_MS) pages.
 * Every assertion counts polls, pages and records; none measures time.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { TestEngine } from '../helpers/engine';
import { isIntrospection } from '../node/fixture';
import { secretGuard } from '../setup/secret-guard';
import { TRIGGER_NAME, credentialData, poll, recordType, useTriggerEnv } from './fixture';

const CUSTOMER = 'xtremMasterData.customer';
const LATENCY_MS = 200;
const BUDGET_MS = 1300;
const MAX_PAGES_PER_POLL = Math.floor(BUDGET_MS / LATENCY_MS);
const PAGE_SIZE = 100;

const env = useTriggerEnv();

const parameters = {
	recordType: recordType(CUSTOMER),
	event: 'created',
	fields: '_id id',
	options: { pageSize: PAGE_SIZE },
} as INodeParameters;

interface PollRecord {
	ids: string[];
	/** Requests for records (the schema request is not counted). */
	pages: number;
}

/**
 * A tenant of its own (no customers at first, so every record a reading meets is the test's) and
 * an engine whose credential is for it.
 */
class Tenant {
	private static count = 0;

	readonly id = `budget-${++Tenant.count}`;

	readonly engine: TestEngine;

	private serial = 0;

	constructor() {
		env.sim.addTenant(this.id, { customers: 0, items: 0, salesOrders: 0 });
		const client = {
			clientId: `${this.id}-client`,
			clientSecret: `${this.id}-secret-${Math.random().toString(36).slice(2)}`,
			tenantId: this.id,
		};
		env.sim.addClient(client);
		secretGuard().registerSecret(client.clientSecret);
		this.engine = new TestEngine(env.pkg, {
			credentials: {
				sageErpApi: { id: `${this.id}-cred`, name: this.id, data: credentialData(env.sim, client) },
			},
		});
	}

	/** New customers written straight into the simulator's store; the clock is frozen, so they all share one stamp. */
	insertCustomers(count: number): string[] {
		const ids: string[] = [];
		for (let index = 0; index < count; index++) {
			const key = `BGT${String(++this.serial).padStart(5, '0')}`;
			ids.push(
				String(
					env.sim
						.store(this.id)
						.insert(CUSTOMER, { id: key, name: `budget ${key}`, currency: '#EUR' })._id,
				),
			);
		}
		return ids;
	}

	slowDown(latencyMs: number): void {
		env.sim.faults(this.id).set({ latencyMs });
	}

	/** One scheduled poll; what it emitted and how many pages it asked Sage for. */
	async pollOnce(staticData: IDataObject, budgetMs?: number): Promise<PollRecord> {
		env.sim.clearGraphqlLog(this.id);
		const refusedBefore = env.sim.counters(this.id).graphqlUnauthorized;
		const items = await poll(env, parameters, staticData, { budgetMs, engine: this.engine });
		// A request refused with 401 (the token expired during the "outage") is sent again after the renewal.
		const refused = env.sim.counters(this.id).graphqlUnauthorized - refusedBefore;
		const requests = env.sim.graphqlLog(this.id).filter((entry) => !isIntrospection(entry)).length;
		return { ids: items.map((item) => String(item._id)), pages: requests - refused };
	}

	/** Polls until a reading reaches the end (no resume point left), at most `limit` polls; every poll made. */
	async pollUntilCaughtUp(
		staticData: IDataObject,
		budgetMs: number | undefined,
		limit: number,
	): Promise<PollRecord[]> {
		const polls: PollRecord[] = [];
		while (polls.length < limit) {
			polls.push(await this.pollOnce(staticData, budgetMs));
			if (triggerState(staticData).resume === undefined) return polls;
		}
		throw new Error(`the reading had not reached the end after ${limit} polls`);
	}
}

function triggerState(staticData: IDataObject): IDataObject {
	return (staticData[`node:${TRIGGER_NAME}`] ?? {}) as IDataObject;
}

const pagesOf = (polls: PollRecord[]): number => polls.reduce((sum, p) => sum + p.pages, 0);

describe('Sage ERP Trigger and the poll budget', () => {
	beforeEach(() => env.sim.clock.freeze());
	afterEach(() => env.sim.clock.unfreeze());

	it(`after an outage, 2,500 new records sharing one stamp (25 pages): polls of at most ${MAX_PAGES_PER_POLL} pages emit every record once, in order`, async () => {
		const tenant = new Tenant();
		const staticData: IDataObject = {};
		expect((await tenant.pollOnce(staticData, BUDGET_MS)).ids).toEqual([]);
		env.sim.clock.advance(3_600_000);
		const inserted = tenant.insertCustomers(2500);
		tenant.slowDown(LATENCY_MS);

		const polls = await tenant.pollUntilCaughtUp(staticData, BUDGET_MS, 30);
		expect(polls.flatMap((p) => p.ids)).toEqual(inserted);
		// Each poll read whole pages, at least one and no more than the budget holds; no page twice.
		for (const p of polls) {
			expect(p.pages).toBeGreaterThanOrEqual(1);
			expect(p.pages).toBeLessThanOrEqual(MAX_PAGES_PER_POLL);
			expect(p.ids).toHaveLength(p.pages * PAGE_SIZE);
		}
		expect(pagesOf(polls)).toBe(25);
		expect(polls.length).toBeGreaterThanOrEqual(Math.ceil(25 / MAX_PAGES_PER_POLL));
		// Caught up: the next poll (reading the lookback window again) emits nothing.
		expect((await tenant.pollOnce(staticData, BUDGET_MS)).ids).toEqual([]);
	});

	it('without a budget of its own (n8n before 2.40; 5 minutes from 2.40 on) one poll reads all 25 pages', async () => {
		const tenant = new Tenant();
		const staticData: IDataObject = {};
		await tenant.pollOnce(staticData);
		env.sim.clock.advance(3_600_000);
		const inserted = tenant.insertCustomers(2500);
		tenant.slowDown(20);
		expect(await tenant.pollUntilCaughtUp(staticData, undefined, 5)).toEqual([
			{ ids: inserted, pages: 25 },
		]);
	});

	it('a first poll that cannot read the whole lookback window goes on at the next poll, and emits none of the history', async () => {
		const tenant = new Tenant();
		const history = tenant.insertCustomers(1500);
		const staticData: IDataObject = {};
		tenant.slowDown(LATENCY_MS);
		const first = await tenant.pollOnce(staticData, BUDGET_MS);
		expect(first.ids).toEqual([]);
		// 1 request for Sage's newest stamp, then the pages of the window (15) that fit.
		expect(first.pages - 1).toBeLessThanOrEqual(MAX_PAGES_PER_POLL);
		expect(triggerState(staticData)).toMatchObject({
			resume: expect.any(Object),
			history: expect.any(String),
		});

		env.sim.clock.advance(1_000);
		const fresh = tenant.insertCustomers(1);
		const polls = await tenant.pollUntilCaughtUp(staticData, BUDGET_MS, 20);
		expect(polls.length).toBeGreaterThan(1);
		expect(polls.flatMap((p) => p.ids)).toEqual(fresh);
		expect(triggerState(staticData).history).toBeUndefined();
		// Every page of the window read once, over all these polls.
		expect(first.pages - 1 + pagesOf(polls)).toBe(
			Math.ceil((history.length + fresh.length) / PAGE_SIZE),
		);
	});

	it('a page Sage stops at its 28-second limit is asked again smaller only when that fits the budget; otherwise the poll ends and the next goes on smaller', async () => {
		const tenant = new Tenant();
		const staticData: IDataObject = {};
		await tenant.pollOnce(staticData, BUDGET_MS);
		env.sim.clock.advance(3_600_000);
		const inserted = tenant.insertCustomers(250);
		// 300 ms of Sage's work per row: a page of 100 passes the limit, one of 50 takes 15 s.
		// Answers wait 4% of that: a stopped page 1.12 s, so its retry (about 0.56 s) cannot fit 1.3 s.
		env.sim.workCost({ perRowMs: 300, delayScale: 0.04 }, tenant.id);
		try {
			const stopped = await tenant.pollOnce(staticData, BUDGET_MS);
			// One page (sent again after a 401 when the token died in the hour that passed), stopped, never retried smaller.
			expect(stopped).toEqual({ ids: [], pages: 1 });
			expect(
				env.sim
					.graphqlLog(tenant.id)
					.filter((entry) => !isIntrospection(entry))
					.every((entry) => (entry.variables as IDataObject).first === PAGE_SIZE),
			).toBe(true);
			expect(triggerState(staticData).pageSize).toBe(PAGE_SIZE / 2);

			const polls = await tenant.pollUntilCaughtUp(staticData, BUDGET_MS, 10);
			expect(polls.flatMap((p) => p.ids)).toEqual(inserted);
			for (const p of polls) expect(p.pages).toBeGreaterThanOrEqual(1);
			expect(pagesOf(polls)).toBe(Math.ceil(inserted.length / (PAGE_SIZE / 2)));
		} finally {
			env.sim.workCost(undefined, tenant.id);
		}
	});

	it('a page size the tenant refuses is lowered to the limit its refusal states; one poll reads every record', async () => {
		const tenant = new Tenant();
		const staticData: IDataObject = {};
		await tenant.pollOnce(staticData);
		env.sim.clock.advance(3_600_000);
		const inserted = tenant.insertCustomers(250);
		env.sim.maxPageSize(60, tenant.id);
		const unauthorized = env.sim.counters(tenant.id).graphqlUnauthorized;
		const polled = await tenant.pollOnce(staticData);
		expect(polled.ids).toEqual(inserted);
		const firsts = env.sim
			.graphqlLog(tenant.id)
			.filter((entry) => !isIntrospection(entry))
			.map((entry) => (entry.variables as IDataObject).first);
		// The refused page, once more for each 401 (the token died in the hour that passed), then pages of 60.
		const refused = 1 + env.sim.counters(tenant.id).graphqlUnauthorized - unauthorized;
		expect(firsts).toEqual([...Array<number>(refused).fill(PAGE_SIZE), 60, 60, 60, 60, 60]);
	});

	it('a saved cursor Sage refuses: the poll reads again from the floor, warns, and emits nothing twice', async () => {
		const tenant = new Tenant();
		const staticData: IDataObject = {};
		await tenant.pollOnce(staticData, BUDGET_MS);
		env.sim.clock.advance(3_600_000);
		const inserted = tenant.insertCustomers(800);
		tenant.slowDown(LATENCY_MS);
		const stopped = await tenant.pollOnce(staticData, BUDGET_MS);
		expect(stopped.ids.length).toBeLessThan(800);
		(triggerState(staticData).resume as IDataObject).after = 'a cursor Sage does not know';

		const rest = await tenant.pollUntilCaughtUp(staticData, BUDGET_MS, 20);
		expect([...stopped.ids, ...rest.flatMap((p) => p.ids)]).toEqual(inserted);
		const warnings = tenant.engine.logs.filter(
			(line) => line.level === 'warn' && line.message.includes('Sage refused to go on'),
		);
		expect(warnings.map((line) => line.message)).toEqual([
			expect.stringContaining('where the last poll of xtremMasterData.customer stopped'),
		]);
		for (const line of tenant.engine.logs) secretGuard().observe(line, 'n8n log');
	});
});
