/**
 * Record → Aggregate through the real n8n engine against the simulator: Sage computes the
 * totals (readAggregate, or queryAggregate per group, every page followed), and its decimal
 * strings come out as numbers.
 */
import {
	dataRequests,
	errorOf,
	outputOf,
	recordType,
	runNode,
	useNodeEnv,
	type NodeEnv,
	SAGE_SYNTAX,
} from './fixture';

const CUSTOMER = recordType('xtremMasterData.customer');
const aggregate = {
	resource: 'record',
	operation: 'aggregate',
	recordType: CUSTOMER,
	...SAGE_SYNTAX,
};
const values = (...entries: Array<[string, string[]]>) => ({
	value: entries.map(([field, aggregations]) => ({ field, aggregations })),
});
const round = (n: number) => parseFloat(n.toPrecision(15));

async function warm(env: NodeEnv): Promise<void> {
	await runNode(env, {
		resource: 'record',
		operation: 'get',
		recordType: CUSTOMER,
		id: '1',
		fields: '_id',
	});
}

describe('totals and groups', () => {
	const env = useNodeEnv({ seed: { customers: 40 } });
	const customers = () => env.sim.store().list('xtremMasterData.customer');
	beforeAll(() => warm(env));

	test('without Group By: one item, sums and averages as numbers, counts', async () => {
		const from = env.sim.graphqlLog().length;
		const [item, ...more] = outputOf(
			await runNode(env, {
				...aggregate,
				filter: '{isActive:true}',
				values: values(
					['creditLimit', ['sum', 'avg', 'min', 'max']],
					['email', ['count', 'distinctCount']],
				),
			}),
		);
		const active = customers().filter((c) => c.isActive === true);
		const limits = active.map((c) => c.creditLimit as number);
		expect(more).toEqual([]);
		expect(item).toEqual({
			json: {
				creditLimit: {
					sum: round(limits.reduce((a, b) => a + b, 0)),
					avg: round(limits.reduce((a, b) => a + b, 0) / limits.length),
					min: Math.min(...limits),
					max: Math.max(...limits),
				},
				email: {
					count: active.filter((c) => c.email !== null).length,
					distinctCount: new Set(active.filter((c) => c.email !== null).map((c) => c.email)).size,
				},
			},
			pairedItem: { item: 0 },
		});
		expect(dataRequests(env, from).map((request) => request.operationName)).toEqual([
			'SageErpAggregate',
		]);
	});

	test('Decimals as Text keeps Sage’s strings', async () => {
		const [item] = outputOf(
			await runNode(env, {
				...aggregate,
				values: values(['creditLimit', ['sum', 'count']]),
				options: { decimalsAsText: true },
			}),
		);
		expect(item.json.creditLimit).toEqual({
			sum: String(round(customers().reduce((a, c) => a + (c.creditLimit as number), 0))),
			count: 40,
		});
	});

	test('with Group By: one item per group, following every page', async () => {
		const from = env.sim.graphqlLog().length;
		const items = outputOf(
			await runNode(env, {
				...aggregate,
				groupBy: 'country { id }',
				values: values(['creditLimit', ['sum']], ['id', ['count']]),
				options: { pageSize: 2 },
			}),
		);
		const byCountry = new Map<string, number[]>();
		for (const c of customers())
			byCountry.set(String(c.id).slice(0, 2), [
				...(byCountry.get(String(c.id).slice(0, 2)) ?? []),
				c.creditLimit as number,
			]);
		expect(
			items
				.map((item) => item.json)
				.sort((a, b) =>
					String((a.group as { country: { id: string } }).country.id).localeCompare(
						String((b.group as { country: { id: string } }).country.id),
					),
				),
		).toEqual(
			[...byCountry.keys()].sort().map((id) => ({
				group: { country: { id } },
				values: {
					creditLimit: { sum: round(byCountry.get(id)!.reduce((a, b) => a + b, 0)) },
					id: { count: byCountry.get(id)!.length },
				},
			})),
		);
		expect(items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(dataRequests(env, from)).toHaveLength(3); // 5 groups, 2 per page
	});

	test('a decimal grouped by comes out as a number; Values may be left out with Group By', async () => {
		const items = outputOf(
			await runNode(env, {
				...aggregate,
				groupBy: 'creditLimit',
				filter: '{creditLimit:{_lte:1000}}',
			}),
		);
		const limits = [
			...new Set(
				customers()
					.map((c) => c.creditLimit as number)
					.filter((n) => n <= 1000),
			),
		].sort((a, b) => a - b);
		expect(items.map((item) => item.json)).toEqual(
			limits.map((creditLimit) => ({ group: { creditLimit }, values: {} })),
		);
	});

	test('bad input fails before any request, naming the field', async () => {
		const before = env.sim.counters().graphqlRequests;
		const cases: Array<[Record<string, unknown>, string]> = [
			[
				{ values: values(['surname', ['sum']]) },
				'Values: xtremMasterData.customer cannot aggregate "surname". [item 0]',
			],
			[{ values: values(['name', ['sum']]) }, 'Values: sum is not available for "name". [item 0]'],
			[
				{ values: values(['creditLimit', []]) },
				'Values: pick what to compute on "creditLimit". [item 0]',
			],
			[{ values: values(['', ['sum']]) }, 'Values: the field of value 1 is empty [item 0]'],
			[{}, 'Values is empty. [item 0]'],
			[
				{ groupBy: 'country {', values: values(['creditLimit', ['sum']]) },
				'Group By has a GraphQL syntax error at line 1, column 10: Expected Name, found the end of the text. [item 0]',
			],
			[
				{ groupBy: 'country', values: values(['creditLimit', ['sum']]) },
				'Group By: Field "country" of type "Country" must have a selection of subfields. Did you mean "country { ... }"? [item 0]',
			],
		];
		for (const [parameters, message] of cases)
			expect(errorOf(await runNode(env, { ...aggregate, ...parameters })).message).toBe(message);
		expect(env.sim.counters().graphqlRequests).toBe(before);
	});

	test('with Continue On Fail, an item Sage refuses gets its error; the others their totals', async () => {
		const items = outputOf(
			await runNode(
				env,
				{ ...aggregate, filter: '={{ $json.filter }}', values: values(['creditLimit', ['max']]) },
				{ input: [{ filter: '{nope:1}' }, { filter: "{id:'FR001'}" }], continueOnFail: true },
			),
		);
		expect(items[0]).toEqual({
			json: {
				error: expect.stringMatching(/nope/),
				data: { xtremMasterData: { customer: { readAggregate: null } } },
			},
			pairedItem: { item: 0 },
		});
		expect(items[1]).toEqual({
			json: { creditLimit: { max: customers().find((c) => c.id === 'FR001')!.creditLimit } },
			pairedItem: { item: 1 },
		});
	});
});

describe('over 50,000 records', () => {
	const env = useNodeEnv({ seed: { customers: 50_000, items: 5, salesOrders: 0 } });
	beforeAll(() => warm(env), 120_000);

	test('Sage totals them: one request without Group By, one per page of groups with it (Get Many would need 50)', async () => {
		env.sim.clearGraphqlLog();
		const [total] = outputOf(
			await runNode(env, { ...aggregate, values: values(['creditLimit', ['sum', 'count']]) }),
		);
		const grouped = outputOf(
			await runNode(env, {
				...aggregate,
				groupBy: 'country { id } isActive',
				values: values(['creditLimit', ['avg']]),
			}),
		);
		const all = env.sim.store().list('xtremMasterData.customer');
		expect(total.json.creditLimit).toEqual({
			sum: round(all.reduce((a, c) => a + (c.creditLimit as number), 0)),
			count: 50_000,
		});
		expect(grouped).toHaveLength(10); // 5 countries × active or not
		const requests = dataRequests(env);
		expect(requests.map((request) => request.operationName)).toEqual([
			'SageErpAggregate',
			'SageErpAggregate',
		]);
	});
});
