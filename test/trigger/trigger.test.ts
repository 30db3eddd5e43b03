/**
 * The Sage ERP Trigger in n8n's real engine (built package, PollContext, static data kept
 * between polls) against the Sage ERP simulator: every new or changed record is emitted
 * exactly once, across pages and across poll boundaries.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { TestEngine } from '../helpers/engine';
import { isIntrospection } from '../node/fixture';
import { secretGuard } from '../setup/secret-guard';
import {
	TRIGGER_NAME,
	credentialData,
	mutate,
	poll,
	pollFailure,
	recordType,
	useTriggerEnv,
} from './fixture';

const CUSTOMER = 'xtremMasterData.customer';
const env = useTriggerEnv();

/** The GraphQL requests since `from` that were not schema requests. */
function dataRequests(from: number): string[] {
	return env.sim
		.graphqlLog()
		.slice(from)
		.filter((entry) => !isIntrospection(entry))
		.map((entry) => String(entry.operationName));
}

let serial = 0;
/** A new customer written straight into the simulator's store (stamps from its clock). */
function insertCustomer(name: string, extra: IDataObject = {}): string {
	serial++;
	const record = env.sim.store().insert(CUSTOMER, {
		id: `TRG${String(serial).padStart(5, '0')}`,
		name,
		currency: '#EUR',
		...extra,
	});
	return String(record._id);
}

function updateCustomer(id: string, patch: IDataObject): void {
	env.sim.store().update(CUSTOMER, id, patch);
}

/** A seeded customer's _id that no test has touched yet. */
function seededCustomer(index: number): string {
	return String(env.sim.store().list(CUSTOMER)[index]._id);
}

const names = (items: IDataObject[]): unknown[] => items.map((item) => item.name);
const ids = (items: IDataObject[]): string[] => items.map((item) => String(item._id));

function watch(parameters: Partial<INodeParameters> = {}): INodeParameters {
	return {
		recordType: recordType(CUSTOMER),
		event: 'updated',
		fields: '_id id name city _updateTick',
		...parameters,
	} as INodeParameters;
}

/** The trigger's own part of the workflow's static data (n8n keys node scope by node name). */
function triggerState(staticData: IDataObject): IDataObject {
	return (staticData[`node:${TRIGGER_NAME}`] ?? {}) as IDataObject;
}

/** The _id count of the seen set kept in static data. */
function rememberedCount(staticData: IDataObject): number {
	const seen = (triggerState(staticData).seen ?? {}) as Record<string, Record<string, unknown>>;
	return Object.values(seen).reduce((sum, group) => sum + Object.keys(group).length, 0);
}

describe('Sage ERP Trigger', () => {
	afterEach(() => {
		env.sim.clock.unfreeze();
		env.sim.faults().clear();
	});

	it('emits each new or changed record exactly once over five polls, records sharing a stamp across a poll boundary included', async () => {
		const { sim } = env;
		const parameters = watch();
		const staticData: IDataObject = {};
		const emitted: Array<[string, unknown]> = [];
		const pollAndRecord = async () => {
			const items = await poll(env, parameters, staticData);
			for (const item of items) emitted.push([String(item._id), item.name]);
			return items;
		};
		sim.clock.freeze();

		// 1: activation. The customers already there (some changed within the last seconds) are history.
		expect(await pollAndRecord()).toEqual([]);
		expect(triggerState(staticData)).toMatchObject({
			version: 1,
			recordType: CUSTOMER,
			event: 'updated',
		});
		const newestSeeded = sim
			.store()
			.list(CUSTOMER)
			.map((record) => String(record._updateStamp))
			.sort()
			.pop();
		expect(triggerState(staticData).highWater).toBe(newestSeeded);

		// 2: two new customers that share one stamp.
		sim.clock.advance(1000);
		const a = insertCustomer('A');
		const b = insertCustomer('B');
		const sharedStamp = sim.store().get(CUSTOMER, a)!._updateStamp;
		expect(sim.store().get(CUSTOMER, b)!._updateStamp).toBe(sharedStamp);
		expect(names(await pollAndRecord())).toEqual(['A', 'B']);

		// 3: written after that poll, still with the same stamp: a new customer and a change to an old one.
		const c = insertCustomer('C');
		const d = seededCustomer(3);
		updateCustomer(d, { name: 'D changed' });
		expect(sim.store().get(CUSTOMER, c)!._updateStamp).toBe(sharedStamp);
		expect(sim.store().get(CUSTOMER, d)!._updateStamp).toBe(sharedStamp);
		const third = await pollAndRecord();
		expect(ids(third)).toEqual([d, c]); // same stamp, so by _id
		expect(names(third)).toEqual(['D changed', 'C']);

		// 4: A changed twice between polls (once through a GraphQL mutation), and a new customer E.
		sim.clock.advance(1000);
		await mutate(
			env,
			'mutation($data: Customer_Input!) { xtremMasterData { customer { update(data: $data) { _id } } } }',
			{
				data: { _id: a, name: 'A v2' },
			},
		);
		sim.clock.advance(1);
		updateCustomer(a, { name: 'A v3', city: 'Lyon' });
		const e = insertCustomer('E');
		const fourth = await pollAndRecord();
		expect(names(fourth)).toEqual(['A v3', 'E']);
		expect(fourth[0]).toMatchObject({ _id: a, city: 'Lyon', _updateTick: 3 });

		// 5: A changed again within the same millisecond as its last change (only _updateTick
		// tells the two apart), and B changed later.
		updateCustomer(a, { name: 'A v4' });
		sim.clock.advance(1000);
		updateCustomer(b, { name: 'B v2' });
		expect(names(await pollAndRecord())).toEqual(['A v4', 'B v2']);

		// Nothing changed: nothing emitted.
		expect(await pollAndRecord()).toEqual([]);

		expect(emitted).toEqual([
			[a, 'A'],
			[b, 'B'],
			[d, 'D changed'],
			[c, 'C'],
			[a, 'A v3'],
			[e, 'E'],
			[a, 'A v4'],
			[b, 'B v2'],
		]);
		// The state holds the lookback window only: the versions written by this test, nothing of the history.
		expect(rememberedCount(staticData)).toBeLessThanOrEqual(6);
	});

	it('sends the filter, order, page size and cursor as GraphQL variables, combining the filter with the stamp condition using _and', async () => {
		const staticData: IDataObject = {};
		const parameters = watch({ filter: "{city:'Quimper'}", options: { pageSize: 2 } });
		await poll(env, parameters, staticData);
		const first = insertCustomer('Q1', { city: 'Quimper' });
		insertCustomer('elsewhere', { city: 'Brest' });
		const second = insertCustomer('Q2', { city: 'Quimper' });
		const third = insertCustomer('Q3', { city: 'Quimper' });
		env.sim.clearGraphqlLog();
		expect(ids(await poll(env, parameters, staticData))).toEqual([first, second, third]);

		const requests = env.sim
			.graphqlLog()
			.filter((entry) => entry.operationName !== 'SageErpSchema');
		expect(requests.length).toBeGreaterThanOrEqual(2);
		const floor = String((requests[0].variables as IDataObject).filter).match(
			/_gte:'([^']+)'/,
		)?.[1];
		expect(floor).toBeDefined();
		expect(requests[0].variables).toEqual({
			filter: `{_and:[{city:'Quimper'},{_updateStamp:{_gte:'${floor}'}}]}`,
			orderBy: '{_updateStamp:+1,_id:+1}',
			first: 2,
		});
		expect(requests[1].variables).toMatchObject({ first: 2, after: expect.any(String) });
		for (const request of requests) expect(String(request.query)).not.toContain('Quimper');
	});

	it('takes a top-level array filter (Sage’s AND) and joins its conditions with its own', async () => {
		const staticData: IDataObject = {};
		const parameters = watch({ filter: "[{city:'Auray'},{isActive:true}]" });
		await poll(env, parameters, staticData);
		const active = insertCustomer('A1', { city: 'Auray' });
		insertCustomer('A2', { city: 'Auray', isActive: false });
		env.sim.clearGraphqlLog();
		expect(ids(await poll(env, parameters, staticData))).toEqual([active]);
		const [request] = env.sim.graphqlLog().filter((entry) => !isIntrospection(entry));
		expect(String((request.variables as IDataObject).filter)).toMatch(
			/^\{_and:\[\{city:'Auray'\},\{isActive:true\},\{_updateStamp:\{_gte:'[^']+'\}\}\]\}$/,
		);
	});

	it('emits a record once it starts to match the filter, and nothing for records that do not match', async () => {
		const staticData: IDataObject = {};
		const parameters = watch({ filter: "{city:'Vannes'}" });
		await poll(env, parameters, staticData);
		const outside = insertCustomer('not yet in Vannes', { city: 'Rennes' });
		expect(await poll(env, parameters, staticData)).toEqual([]);
		updateCustomer(outside, { city: 'Vannes', name: 'now in Vannes' });
		expect(names(await poll(env, parameters, staticData))).toEqual(['now in Vannes']);
		expect(await poll(env, parameters, staticData)).toEqual([]);
	});

	it('on "created", emits new records once and ignores changes', async () => {
		const staticData: IDataObject = {};
		const parameters = watch({ event: 'created', fields: '_id name _createStamp' });
		expect(await poll(env, parameters, staticData)).toEqual([]);
		const fresh = insertCustomer('created once');
		updateCustomer(seededCustomer(7), { name: 'old customer changed' });
		const items = await poll(env, parameters, staticData);
		expect(items).toEqual([
			{
				_id: fresh,
				name: 'created once',
				_createStamp: env.sim.store().get(CUSTOMER, fresh)!._createStamp,
			},
		]);
		updateCustomer(fresh, { name: 'created once, then changed' });
		expect(await poll(env, parameters, staticData)).toEqual([]);
	});

	it('finds a record saved late with a stamp older than the newest one seen (within the lookback window)', async () => {
		const { sim } = env;
		const staticData: IDataObject = {};
		const parameters = watch({ options: { lookback: 30 } });
		await poll(env, parameters, staticData);
		sim.clock.freeze();
		sim.clock.advance(10_000);
		const onTime = insertCustomer('on time');
		expect(names(await poll(env, parameters, staticData))).toEqual(['on time']);
		// A transaction stamped 5 s earlier commits only now.
		sim.clock.advance(-5_000);
		const late = insertCustomer('late commit');
		sim.clock.advance(5_000);
		expect(ids(await poll(env, parameters, staticData))).toEqual([late]);
		expect(await poll(env, parameters, staticData)).toEqual([]);
		expect(onTime).not.toBe(late);
	});

	it('emits every record of a poll that spans many pages (2,500 new records, 100 per page), each once', async () => {
		const staticData: IDataObject = {};
		const parameters = watch({ event: 'created', fields: '_id id', options: { pageSize: 100 } });
		await poll(env, parameters, staticData);
		const inserted: string[] = [];
		for (let index = 0; index < 2500; index++) inserted.push(insertCustomer(`bulk ${index}`));
		const before = env.sim.counters().graphqlRequests;
		const items = await poll(env, parameters, staticData);
		expect(items).toHaveLength(2500);
		expect(new Set(ids(items)).size).toBe(2500);
		expect(ids(items).sort()).toEqual([...inserted].sort());
		expect(env.sim.counters().graphqlRequests - before).toBeGreaterThanOrEqual(25);
		expect(await poll(env, parameters, staticData)).toEqual([]);
	});

	it('"Fetch Test Event" returns the most recent matching record and does not move the state', async () => {
		const staticData: IDataObject = {};
		const parameters = watch({ filter: "{city:'Morlaix'}" });
		await poll(env, parameters, staticData);
		const saved = JSON.parse(JSON.stringify(staticData)) as IDataObject;
		insertCustomer('older match', { city: 'Morlaix' });
		const newest = insertCustomer('newest match', { city: 'Morlaix' });
		insertCustomer('newest of all', { city: 'Paris' });

		const test = await poll(env, parameters, staticData, { mode: 'manual' });
		expect(test).toEqual([
			{
				_id: newest,
				id: expect.any(String),
				name: 'newest match',
				city: 'Morlaix',
				_updateTick: 1,
			},
		]);
		expect(names(await poll(env, watch(), {}, { mode: 'manual' }))).toEqual(['newest of all']);
		expect(staticData).toEqual(saved);
		// The scheduled poll still sees both matches.
		expect(names(await poll(env, parameters, staticData))).toEqual(['older match', 'newest match']);
	});

	it('emits _customData as an object, as the node does, or as Sage’s text with Custom Data as Text', async () => {
		const fields = '_id name _customData';
		const staticData: IDataObject = {};
		await poll(env, watch({ fields }), staticData);
		const text = JSON.stringify({ rating: 5, tags: ['key account'] });
		insertCustomer('with custom data', { city: 'Brest', _customData: text });
		expect(await poll(env, watch({ fields }), staticData)).toEqual([
			{ _id: expect.any(String), name: 'with custom data', _customData: JSON.parse(text) },
		]);
		const asText = watch({ fields, options: { customDataAsText: true } });
		expect(await poll(env, asText, {}, { mode: 'manual' })).toEqual([
			{ _id: expect.any(String), name: 'with custom data', _customData: text },
		]);
	});

	it('"Fetch Test Event" says so when no record matches', async () => {
		const error = await pollFailure(
			env,
			watch({ filter: "{city:'Nowhere at all'}" }),
			{},
			{ mode: 'manual' },
		);
		expect(error.message).toContain(`No ${CUSTOMER} record matches the filter yet`);
		expect(error.description).toMatch(/loosen the Filter/);
	});

	it('starts again from now when the record type or the event changes', async () => {
		const staticData: IDataObject = {};
		await poll(env, watch(), staticData);
		insertCustomer('seen by updated');
		expect(await poll(env, watch({ event: 'created' }), staticData)).toEqual([]);
		expect(triggerState(staticData).event).toBe('created');
	});

	describe('errors', () => {
		it('a filter Sage refuses: a clear error naming the filter, and no state moved', async () => {
			const staticData: IDataObject = {};
			await poll(env, watch(), staticData);
			const saved = JSON.parse(JSON.stringify(staticData)) as IDataObject;
			const pending = insertCustomer('written before the failed poll');
			// Outside the grammar the node checks, so Sage (the simulator) judges it.
			const error = await pollFailure(env, watch({ filter: '{isActive: }' }), staticData);
			expect(error.constructor.name).toBe('NodeApiError');
			expect(error.message).toMatch(
				/^Could not check xtremMasterData\.customer for new or changed records: .*unexpected '\}'/,
			);
			expect(error.description).toMatch(/Check the Filter/);
			expect(staticData).toEqual(saved);
			// Once the filter is fixed, nothing was lost.
			expect(ids(await poll(env, watch(), staticData))).toEqual([pending]);
		});

		it('a misspelt property in the filter: refused before any query, naming the closest one, no state moved', async () => {
			const staticData: IDataObject = {};
			await poll(env, watch(), staticData);
			const saved = JSON.parse(JSON.stringify(staticData)) as IDataObject;
			const pending = insertCustomer('written before the refused poll');
			const from = env.sim.graphqlLog().length;
			const error = await pollFailure(
				env,
				watch({ filter: "{isActiv:true, currency:{idd:'EUR'}}" }),
				staticData,
			);
			expect(error.message).toContain("Unknown property 'isActiv' in Filter");
			expect(`${error.message} ${error.description}`).toContain("Did you mean 'isActive'?");
			expect(dataRequests(from)).toEqual([]);
			expect(staticData).toEqual(saved);
			const nested = await pollFailure(
				env,
				watch({ filter: "{currency:{idd:'EUR'}}" }),
				staticData,
			);
			expect(nested.message).toContain("Unknown property 'idd'");
			expect(dataRequests(from)).toEqual([]);
			expect(ids(await poll(env, watch({ filter: "{currency:{id:'EUR'}}" }), staticData))).toEqual([
				pending,
			]);
		});

		it('a filter that is not an object: refused before anything is sent', async () => {
			const before = env.sim.counters().graphqlRequests;
			const error = await pollFailure(env, watch({ filter: "city:'Lyon'" }), {});
			expect(error.constructor.name).toBe('NodeOperationError');
			expect(error.message).toMatch(/Filter must be a Sage filter object/);
			expect(env.sim.counters().graphqlRequests).toBe(before);
		});

		it('fields or a record type that do not exist', async () => {
			const fields = await pollFailure(env, watch({ fields: '_id nosuch' }), {});
			expect(fields.message).toMatch(/Fields: Cannot query field "nosuch"/);
			const syntax = await pollFailure(env, watch({ fields: '_id currency {' }), {});
			expect(syntax.message).toMatch(/Fields has a GraphQL syntax error at line 1/);
			const type = await pollFailure(
				env,
				watch({ recordType: recordType('xtremSales.customer') }),
				{},
			);
			expect(type.message).toMatch(/record type "xtremSales\.customer" does not exist/);
			expect(type.description).toMatch(/Did you mean xtremMasterData\.customer/);
		});

		it('a wrong client secret: an authentication error that says what to check, without the secret', async () => {
			const wrongSecret = `wrong-${env.sim.client.clientSecret}`;
			secretGuard().registerSecret(wrongSecret);
			const engine = new TestEngine(env.pkg, {
				credentials: {
					sageErpApi: {
						id: 'sage-trigger-wrong-secret',
						name: 'Wrong secret',
						data: credentialData(env.sim, { clientSecret: wrongSecret }),
					},
				},
			});
			const error = await pollFailure(env, watch(), {}, { engine });
			expect(error.constructor.name).toBe('NodeApiError');
			expect(error.message).toMatch(/^Could not check xtremMasterData\.customer/);
			expect(`${error.message} ${error.description}`).toMatch(/Client Secret|credential/i);
			expect(
				JSON.stringify({
					message: error.message,
					description: error.description,
					context: error.context,
				}),
			).not.toContain(env.sim.client.clientSecret);
			for (const line of engine.logs) secretGuard().observe(line, 'n8n log');
		});

		it('throttling: says Sage is limiting requests, and the next poll catches up', async () => {
			const staticData: IDataObject = {};
			await poll(env, watch(), staticData);
			const pending = insertCustomer('written while throttled');
			env.sim.faults().set({ failNext: { count: 1, status: 429, retryAfterSec: 3600 } });
			const error = await pollFailure(env, watch(), staticData);
			expect(error.constructor.name).toBe('NodeApiError');
			expect(`${error.message} ${error.description}`).toMatch(/limit/i);
			expect(ids(await poll(env, watch(), staticData))).toEqual([pending]);
		});
	});
});
