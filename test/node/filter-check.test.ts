/**
 * Get Many checks Filter and Order By against the tenant's schema before it sends anything:
 * a misspelt property or operator costs no request and comes with the names it was likely
 * meant to be. What the schema cannot decide still goes to Sage, whose answer stands.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import {
	NODE_NAME,
	dataRequests,
	errorOf,
	outputOf,
	recordType,
	runNode,
	useNodeEnv,
} from './fixture';

const env = useNodeEnv({ seed: { customers: 60, items: 12, salesOrders: 20 } });
const getMany = (type: string, parameters: INodeParameters): INodeParameters => ({
	resource: 'record',
	operation: 'getMany',
	recordType: recordType(type),
	returnAll: true,
	...parameters,
});
const CUSTOMER = 'xtremMasterData.customer';

beforeAll(async () => {
	// The schema is cached from here on: a refused filter must leave the GraphQL log empty.
	outputOf(await runNode(env, getMany(CUSTOMER, { returnAll: false, limit: 1, fields: '_id' })));
});

/** Runs Get Many and gives back its error and every GraphQL request it made. */
async function refused(parameters: INodeParameters, input?: IDataObject[]) {
	env.sim.clearGraphqlLog();
	const result = await runNode(env, parameters, { input });
	// Schema requests are not what the item sends: a nested path may need types not loaded yet.
	return { error: errorOf(result), requests: dataRequests(env), result };
}

describe('refused before any request, with the closest names', () => {
	test.each([
		[
			'a misspelt property',
			CUSTOMER,
			{ filter: '{isActiv:true}' },
			"Unknown property 'isActiv' in Filter on xtremMasterData.customer. Did you mean 'isActive'?",
		],
		[
			'a property in the wrong case',
			CUSTOMER,
			{ filter: "{City:'Lyon'}" },
			"Unknown property 'City' in Filter on xtremMasterData.customer. Did you mean 'city'?",
		],
		[
			'a typo inside a nested reference',
			'xtremMasterData.item',
			{ filter: "{stockUnit:{nam:{_ne:'each'}}}" },
			"Unknown property 'nam' of stockUnit (UnitOfMeasure) in Filter on xtremMasterData.item. Did you mean 'name'?",
		],
		[
			'a typo two references deep',
			'xtremSales.salesOrder',
			{ filter: "{soldToCustomer:{country:{idd:'FR'}}}" },
			"Unknown property 'idd' of soldToCustomer.country (Country) in Filter on xtremSales.salesOrder. Did you mean 'id'?",
		],
		[
			'a typo inside a collection',
			'xtremSales.salesOrder',
			{ filter: '{lines:{_atLeast:2, quantty:{_gt:10}}}' },
			"Unknown property 'quantty' of lines (SalesOrderLine) in Filter on xtremSales.salesOrder. Did you mean 'quantity'?",
		],
		[
			'an operator without its underscore',
			CUSTOMER,
			{ filter: '{creditLimit:{gte:1000}}' },
			"Unknown operator 'gte' on creditLimit in Filter on xtremMasterData.customer. Did you mean '_gte'?",
		],
		[
			'a typo inside _or',
			CUSTOMER,
			{ filter: "{_or:[{city:'Lyon'},{cty:'Paris'}]}" },
			"Unknown property 'cty' in Filter on xtremMasterData.customer. Did you mean 'city'?",
		],
		[
			'a typo in an array (AND)',
			CUSTOMER,
			{ filter: '[{isActive:true},{emial:null}]' },
			"Unknown property 'emial' in Filter on xtremMasterData.customer. Did you mean 'email'?",
		],
		[
			'a typo in a JSON filter',
			CUSTOMER,
			{ filter: '{"isActive": true, "nmae": "x"}' },
			"Unknown property 'nmae' in Filter on xtremMasterData.customer. Did you mean 'name'?",
		],
		[
			'a filter from an expression, checked after evaluation',
			CUSTOMER,
			{ filter: '={{ { isActiv: true } }}' },
			"Unknown property 'isActiv' in Filter on xtremMasterData.customer. Did you mean 'isActive'?",
		],
		[
			'a misspelt Order By property',
			CUSTOMER,
			{ orderBy: '{nmae:+1}' },
			"Unknown property 'nmae' in Order By on xtremMasterData.customer. Did you mean 'name'?",
		],
		[
			'a nested Order By typo',
			CUSTOMER,
			{ orderBy: '{currency:{idd:-1}}' },
			"Unknown property 'idd' of currency (Currency) in Order By on xtremMasterData.customer. Did you mean 'id'?",
		],
	])('%s', async (_, type, parameters, message) => {
		const { error, requests } = await refused(getMany(type, parameters));
		expect(error.message).toBe(`${message} [item 0]`);
		expect(requests).toEqual([]);
	});

	test('a name close to nothing gets no guess; the description lists the properties there are', async () => {
		const { error, requests } = await refused(getMany(CUSTOMER, { filter: '{zzz:1}' }));
		expect(error.message).toBe(
			"Unknown property 'zzz' in Filter on xtremMasterData.customer. [item 0]",
		);
		expect(error.description).toMatch(
			/^Names are case-sensitive\. Customer has: _id, .*\bisActive\b.*\bcreditLimit\b/,
		);
		expect(requests).toEqual([]);
	});

	test('names the item whose filter is wrong; with Continue On Fail the other items still run', async () => {
		const parameters = getMany(CUSTOMER, {
			returnAll: false,
			limit: 2,
			fields: '_id',
			filter: '={{ $json.filter }}',
		});
		const input = [{ filter: '{isActive:true}' }, { filter: '{isActiv:true}' }];
		const stopped = await refused(parameters, input);
		expect(stopped.error.message).toBe(
			"Unknown property 'isActiv' in Filter on xtremMasterData.customer. Did you mean 'isActive'? [item 1]",
		);

		env.sim.clearGraphqlLog();
		const items = outputOf(await runNode(env, parameters, { input, continueOnFail: true }));
		expect(items.map((item) => [item.pairedItem, item.json.error ?? item.json._id])).toEqual([
			[{ item: 0 }, '1'],
			[{ item: 0 }, '2'],
			[
				{ item: 1 },
				"Unknown property 'isActiv' in Filter on xtremMasterData.customer. Did you mean 'isActive'?",
			],
		]);
		// Only item 0 reached Sage.
		expect(
			env.sim.graphqlLog().map((entry) => (entry.variables as { filter?: string }).filter),
		).toEqual(['{isActive:true}']);
	});
});

describe('valid filters still reach Sage and give its records', () => {
	const store = () => env.sim.store();
	test.each([
		[
			'implicit equality and a regex with options',
			CUSTOMER,
			"{isActive:true, name:{_regex:'^a', _options:'i'}}",
			(r: Record<string, unknown>) => r.isActive === true && /^a/i.test(String(r.name)),
		],
		[
			'double-quoted strings, _in and _nin',
			CUSTOMER,
			'{city:{_in:["Lyon","Paris"]}, id:{_nin:["FR001"]}}',
			(r: Record<string, unknown>) =>
				['Lyon', 'Paris'].includes(String(r.city)) && r.id !== 'FR001',
		],
		[
			'_or, _and, _not and null',
			CUSTOMER,
			"{_or:[{email:null},{_and:[{isActive:false},{_not:{city:'Lyon'}}]}]}",
			(r: Record<string, unknown>) =>
				r.email === null || (r.isActive === false && r.city !== 'Lyon'),
		],
		[
			'a reference by natural key, and a reference compared with _ne',
			CUSTOMER,
			"{currency:'#EUR', country:{_ne:'#DE'}}",
			(r: Record<string, unknown>) => r.currency === '1' && r.country !== '4',
		],
		[
			'a nested reference',
			CUSTOMER,
			"{currency:{id:{_eq:'USD'}}}",
			(r: Record<string, unknown>) => r.currency === '2',
		],
		[
			'system properties and comparisons',
			CUSTOMER,
			"{_id:{_gte:'10', _lt:'20'}, creditLimit:{_gt:1000}}",
			(r: Record<string, unknown>) =>
				Number(r._id) >= 10 && Number(r._id) < 20 && Number(r.creditLimit) > 1000,
		],
	])('%s', async (_, type, filter, expected) => {
		env.sim.clearGraphqlLog();
		const items = outputOf(
			await runNode(env, getMany(type, { filter, fields: '_id', orderBy: '{_id:+1}' })),
		);
		const want = store()
			.list(type)
			.filter(expected)
			.map((record) => record._id);
		expect(want.length).toBeGreaterThan(0);
		expect(items.map((item) => item.json._id)).toEqual(want);
		expect(
			env.sim.graphqlLog().map((entry) => (entry.variables as { filter?: string }).filter),
		).toEqual([filter]);
	});

	test('a nested reference filter, a collection count and a nested Order By on sales orders', async () => {
		const filter = "{soldToCustomer:{country:{id:'FR'}}, lines:{_atLeast:2, quantity:{_gt:0}}}";
		const items = outputOf(
			await runNode(
				env,
				getMany('xtremSales.salesOrder', {
					filter,
					fields: '_id',
					orderBy: '{soldToCustomer:{id:+1}, _id:+1}',
				}),
			),
		);
		const frenchCustomers = new Set(
			store()
				.list(CUSTOMER)
				.filter((c) => c.country === '1')
				.map((c) => c._id),
		);
		const lineCount = new Map<string, number>();
		for (const line of store().list('xtremSales.salesOrderLine'))
			lineCount.set(String(line.document), (lineCount.get(String(line.document)) ?? 0) + 1);
		const want = store()
			.list('xtremSales.salesOrder')
			.filter(
				(order) =>
					frenchCustomers.has(order.soldToCustomer as string) &&
					(lineCount.get(String(order._id)) ?? 0) >= 2,
			);
		expect(want.length).toBeGreaterThan(0);
		expect(items.map((item) => item.json._id).sort()).toEqual(
			want.map((order) => order._id).sort(),
		);
	});

	test('what the check cannot read is left to Sage: its own message comes back, after one request', async () => {
		env.sim.clearGraphqlLog();
		const result = await runNode(env, getMany(CUSTOMER, { filter: '{isActive:tru}' }));
		expect(errorOf(result).message).toBe(
			"Invalid filter: unexpected 'tru' at position 10 (at xtremMasterData.customer.query) [item 0]",
		);
		expect(env.sim.graphqlLog()).toHaveLength(1);
		expect(result.runData[NODE_NAME]?.[0]?.data).toBeUndefined();
	});

	test.each([
		['a misspelt operator', CUSTOMER, "{name:{_regx:'^A'}}"],
		[
			'a misspelt operator inside _not',
			'xtremMasterData.item',
			"{stockUnit:{name:{_not:{_eqq:'each'}}}}",
		],
		['a misspelt combination', CUSTOMER, "{_ro:[{city:'Lyon'},{city:'Paris'}]}"],
		['a filter on custom data by key', CUSTOMER, '{_customData:{rating:{_gt:3}}}'],
	])(
		"%s: a name starting with _ that the check does not know is Sage's to judge",
		async (_, type, filter) => {
			env.sim.clearGraphqlLog();
			const result = await runNode(env, getMany(type, { filter }));
			expect(errorOf(result).message).toMatch(
				/^Invalid filter: .* \(at \w+\.\w+\.query\) \[item 0\]$/,
			);
			expect(
				dataRequests(env).map((entry) => (entry.variables as { filter?: string }).filter),
			).toEqual([filter]);
		},
	);

	test('_every on a collection goes to Sage, which applies it', async () => {
		const filter = '{lines:{_every:true, quantity:{_gt:5}}}';
		const items = outputOf(
			await runNode(env, getMany('xtremSales.salesOrder', { filter, fields: '_id' })),
		);
		const lines = store().list('xtremSales.salesOrderLine');
		const want = store()
			.list('xtremSales.salesOrder')
			.filter((order) =>
				lines
					.filter((line) => line.document === order._id)
					.every((line) => Number(line.quantity) > 5),
			)
			.map((order) => order._id);
		expect(want.length).toBeGreaterThan(0);
		expect(items.map((item) => item.json._id).sort()).toEqual([...want].sort());
	});

	test('a top-level array from an expression is an AND of filters, as Sage reads it', async () => {
		env.sim.clearGraphqlLog();
		const items = outputOf(
			await runNode(
				env,
				getMany(CUSTOMER, {
					filter: "={{ [{ isActive: true }, { id: { _regex: '^FR' } }] }}",
					fields: '_id id isActive',
				}),
			),
		);
		const want = store()
			.list(CUSTOMER)
			.filter((record) => record.isActive === true && String(record.id).startsWith('FR'));
		expect(want.length).toBeGreaterThan(0);
		expect(items.map((item) => item.json._id)).toEqual(want.map((record) => record._id));
	});

	test("a known operator in a place the schema cannot judge is Sage's to refuse", async () => {
		env.sim.clearGraphqlLog();
		const result = await runNode(env, getMany(CUSTOMER, { filter: '{_atLeast:1}' }));
		expect(errorOf(result).message).toBe(
			"Invalid filter: operator '_atLeast' is not allowed here (position 1) (at xtremMasterData.customer.query) [item 0]",
		);
		expect(env.sim.graphqlLog()).toHaveLength(1);
	});
});
