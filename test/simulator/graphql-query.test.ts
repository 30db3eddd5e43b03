import { getIntrospectionQuery } from 'graphql';
import { Simulator, startSimulator } from './index';
import { HttpResult, postJson, session } from './test-helpers';

type Gql = (
	query: string,
	variables?: Record<string, unknown>,
	operationName?: string,
) => Promise<HttpResult>;

describe('GraphQL queries', () => {
	let sim: Simulator;
	let gql: Gql;
	beforeAll(async () => {
		sim = await startSimulator();
		gql = (await session(sim)).gql;
	});
	afterAll(async () => {
		await sim.stop();
	});

	const customers = (args: string, fields = '_id id name') =>
		`{ xtremMasterData { customer { query${args ? `(${args})` : ''} { totalCount pageInfo { endCursor hasNextPage startCursor hasPreviousPage } edges { cursor node { ${fields} } } } } } }`;
	const conn = (r: HttpResult) => r.json.data.xtremMasterData.customer.query;

	test('introspection shows packages, node operations and argument types', async () => {
		const r = await gql(getIntrospectionQuery());
		expect(r.status).toBe(200);
		const types = new Map<string, any>(r.json.data.__schema.types.map((t: any) => [t.name, t]));
		expect(r.json.data.__schema.queryType.name).toBe('Query');
		expect(r.json.data.__schema.mutationType.name).toBe('Mutation');
		const query = types.get('Query').fields.map((f: any) => f.name);
		expect(query).toEqual(
			expect.arrayContaining(['xtremSystem', 'xtremStructure', 'xtremMasterData', 'xtremSales']),
		);
		const md = types.get('XtremMasterData_Query').fields.map((f: any) => f.name);
		expect(md).toEqual(expect.arrayContaining(['currency', 'customer', 'item', 'businessEntity']));
		const cq = types.get('Customer_Query').fields;
		const q = cq.find((f: any) => f.name === 'query');
		expect(q.args.map((a: any) => `${a.name}:${a.type.name}`)).toEqual([
			'filter:String',
			'orderBy:String',
			'first:Int',
			'after:String',
			'last:Int',
			'before:String',
		]);
		expect(q.type).toEqual({
			kind: 'NON_NULL',
			name: null,
			ofType: { kind: 'OBJECT', name: 'Customer_Connection', ofType: null },
		});
		const create = types.get('Customer_Mutation').fields.find((f: any) => f.name === 'create');
		expect(create.args[0].name).toBe('data');
		expect(create.args[0].type.ofType.name).toBe('Customer_Input');
		const customer = types.get('Customer').fields.map((f: any) => f.name);
		expect(customer).toEqual(
			expect.arrayContaining([
				'_id',
				'_createStamp',
				'_updateStamp',
				'_updateTick',
				'_customData',
				'id',
				'name',
				'currency',
				'creditLimit',
			]),
		);
		const input = types
			.get('Customer_Input')
			.inputFields.map((f: any) => `${f.name}:${f.type.name}`);
		expect(input).toEqual(
			expect.arrayContaining([
				'_id:String',
				'currency:String',
				'creditLimit:Decimal',
				'isActive:Boolean',
			]),
		);
		expect(types.get('SalesOrderLine_Input').inputFields.map((f: any) => f.name)).toEqual(
			expect.arrayContaining(['item', 'quantity', 'netPrice']),
		);
		expect(types.get('SalesOrder').fields.find((f: any) => f.name === 'lines').type.name).toBe(
			'SalesOrderLine_Collection',
		);
	});

	test('first defaults to 20; pages follow quoted cursors in a stable order', async () => {
		const total = sim.store().count('xtremMasterData.customer');
		const first = await gql(customers(''));
		expect(conn(first).edges).toHaveLength(20);
		expect(conn(first).totalCount).toBe(total);
		const seen: string[] = [];
		let after: string | null = null;
		let pages = 0;
		for (;;) {
			const r = await gql(
				`query($after: String) { xtremMasterData { customer { query(first: 37, orderBy: "{name:+1}", after: $after) { totalCount pageInfo { endCursor hasNextPage hasPreviousPage } edges { cursor node { _id name } } } } } }`,
				{ after },
			);
			expect(r.status).toBe(200);
			const c = conn(r);
			pages++;
			expect(c.pageInfo.hasPreviousPage).toBe(after !== null);
			for (const e of c.edges) {
				expect(e.cursor).toContain('"');
				seen.push(e.node._id);
			}
			if (c.edges.length) expect(c.pageInfo.endCursor).toBe(c.edges[c.edges.length - 1].cursor);
			if (!c.pageInfo.hasNextPage) break;
			after = c.pageInfo.endCursor;
		}
		expect(pages).toBe(Math.ceil(total / 37));
		expect(new Set(seen).size).toBe(total);
		// same order as sorting the store by name then _id
		const expected = sim
			.store()
			.list('xtremMasterData.customer')
			.sort((a: any, b: any) =>
				a.name < b.name ? -1 : a.name > b.name ? 1 : Number(a._id) - Number(b._id),
			)
			.map((c) => c._id);
		expect(seen).toEqual(expected);
	});

	test('last/before page backwards', async () => {
		const all = conn(await gql(customers('first: 10'))).edges;
		const r = conn(
			await gql(
				`query($b: String) { xtremMasterData { customer { query(last: 3, before: $b) { edges { node { _id } } pageInfo { hasPreviousPage hasNextPage } } } } }`,
				{ b: all[6].cursor },
			),
		);
		expect(r.edges.map((e: any) => e.node._id)).toEqual(['4', '5', '6']);
		expect(r.pageInfo.hasPreviousPage).toBe(true);
	});

	test('first above 1000 or negative is refused naming the maximum; 1000 works', async () => {
		for (const n of [1001, -1]) {
			const r = await gql(customers(`first: ${n}`));
			expect(r.status).toBe(200);
			expect(r.json.errors[0].message).toMatch(/maximum page size is 1000/);
			expect(r.json.errors[0].path).toEqual(['xtremMasterData', 'customer', 'query']);
			expect(r.json.data.xtremMasterData.customer).toBeNull();
		}
		expect(conn(await gql(customers('first: 1000'))).edges).toHaveLength(250);
	});

	test('a tenant with a lower maximum page size refuses a larger first as Sage does, on queries and aggregates', async () => {
		sim.maxPageSize(500);
		try {
			const r = await gql(customers('first: 501'));
			expect(r.json.errors).toEqual([
				expect.objectContaining({
					message: 'The page size (first) cannot exceed 500.',
					path: ['xtremMasterData', 'customer', 'query'],
				}),
			]);
			const grouped = await gql(
				'{ xtremMasterData { customer { queryAggregate(first: 600) { edges { node { group { city } } } } } } }',
			);
			expect(grouped.json.errors[0].message).toBe('The page size (first) cannot exceed 500.');
			expect(conn(await gql(customers('first: 500'))).edges).toHaveLength(250);
		} finally {
			sim.maxPageSize(undefined);
		}
		expect(conn(await gql(customers('first: 1000'))).edges).toHaveLength(250);
	});

	test('foreign or unparsable cursors are refused clearly', async () => {
		const byName = conn(await gql(customers('first: 2, orderBy: "{name:+1}"'))).pageInfo.endCursor;
		for (const [cursor, orderBy] of [
			['not a cursor', ''],
			['WzEsMl0=', ''],
			[byName, '{creditLimit:-1, isActive:+1}'],
			['["1"]', '{name:+1}'],
		]) {
			const r = await gql(
				`query($c: String, $o: String) { xtremMasterData { customer { query(after: $c, orderBy: $o) { totalCount } } } }`,
				{ c: cursor, o: orderBy },
			);
			expect(r.json.errors[0].message).toMatch(/Invalid cursor in 'after'/);
		}
	});

	test('read by _id and by natural key; a missing record reads as null', async () => {
		const r = await gql(
			`{ xtremMasterData { customer { a: read(_id: "1") { _id id name currency { id } } b: read(_id: "#FR001") { _id } c: read(_id: "#NOPE") { _id } d: read(_id: "99999") { _id } } } }`,
		);
		const c = r.json.data.xtremMasterData.customer;
		expect(c.a).toEqual({ _id: '1', id: 'FR001', name: 'Juniper Group', currency: { id: 'EUR' } });
		expect(c.b).toEqual({ _id: '1' });
		expect(c.c).toBeNull();
		expect(c.d).toBeNull();
		expect(r.json.errors).toBeUndefined();
		const line = await gql(
			`{ xtremSales { salesOrderLine { read(_id: "#SO000001|2") { _id lineNumber document { number } } } } }`,
		);
		expect(line.json.data.xtremSales.salesOrderLine.read).toEqual({
			_id: '2',
			lineNumber: 2,
			document: { number: 'SO000001' },
		});
		const bad = await gql(`{ xtremMasterData { customer { read(_id: "abc") { _id } } } }`);
		expect(bad.json.errors[0].message).toMatch(/Invalid _id 'abc'/);
		const parts = await gql(`{ xtremSales { salesOrderLine { read(_id: "#SO000001") { _id } } } }`);
		expect(parts.json.errors[0].message).toMatch(/2 part/);
	});

	test('system properties: stamps ISO with ms and Z, _customData JSON, decimals as strings', async () => {
		const r = await gql(
			`{ xtremMasterData { customer { read(_id: "1") { _createStamp _updateStamp _updateTick _customData creditLimit } } } }`,
		);
		const c = r.json.data.xtremMasterData.customer.read;
		expect(c._createStamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
		expect(c._updateStamp >= c._createStamp).toBe(true);
		expect(c._updateTick).toBe(1);
		expect(JSON.parse(c._customData)).toEqual({});
		expect(c.creditLimit).toBe('12000');
	});

	test('readAggregate: sums and averages as strings', async () => {
		const r = await gql(
			`{ xtremMasterData { customer { readAggregate(filter: "{country:{id:'FR'}}") { creditLimit { sum avg min max distinctCount } paymentTermDays { sum } name { min max distinctCount } } } } }`,
		);
		const a = r.json.data.xtremMasterData.customer.readAggregate;
		const fr = sim
			.store()
			.list('xtremMasterData.customer')
			.filter((c) => c.country === '1');
		const sum = fr.reduce((s, c) => s + (c.creditLimit as number), 0);
		expect(a.creditLimit.sum).toBe(String(sum));
		expect(typeof a.creditLimit.avg).toBe('string');
		expect(Number(a.creditLimit.avg)).toBeCloseTo(sum / fr.length, 6);
		expect(a.creditLimit.min).toBe(String(Math.min(...fr.map((c) => c.creditLimit as number))));
		expect(a.creditLimit.distinctCount).toBe(new Set(fr.map((c) => c.creditLimit)).size);
		expect(typeof a.paymentTermDays.sum).toBe('string');
		expect(a.name.distinctCount).toBeGreaterThan(1);
		const empty = await gql(
			`{ xtremMasterData { customer { readAggregate(filter: "{id:'NONE'}") { creditLimit { sum avg distinctCount } } } } }`,
		);
		expect(empty.json.data.xtremMasterData.customer.readAggregate.creditLimit).toEqual({
			sum: null,
			avg: null,
			distinctCount: 0,
		});
	});

	test('queryAggregate groups by the selected group properties, with values per group and paging', async () => {
		const q = `query($after: String) { xtremSales { salesOrder { queryAggregate(first: 4, after: $after) { pageInfo { hasNextPage endCursor } edges { cursor node { group { status } values { totalAmountExcludingTax { sum } _id: number { distinctCount } } } } } } } }`;
		const r = await gql(q);
		const qa = r.json.data.xtremSales.salesOrder.queryAggregate;
		expect(qa.edges.map((e: any) => e.node.group.status)).toEqual([
			'closed',
			'inProgress',
			'partiallyShipped',
			'pending',
		]);
		expect(qa.pageInfo.hasNextPage).toBe(true);
		const orders = sim.store().list('xtremSales.salesOrder');
		const pending = orders.filter((o) => o.status === 'pending');
		const pendingEdge = qa.edges.find((e: any) => e.node.group.status === 'pending').node.values;
		expect(pendingEdge._id.distinctCount).toBe(pending.length);
		expect(Number(pendingEdge.totalAmountExcludingTax.sum)).toBeCloseTo(
			pending.reduce((s, o) => s + (o.totalAmountExcludingTax as number), 0),
			6,
		);
		const next = (await gql(q, { after: qa.pageInfo.endCursor })).json.data.xtremSales.salesOrder
			.queryAggregate;
		expect(next.edges.map((e: any) => e.node.group.status)).toEqual(['quote', 'shipped']);
		const byCustomerCountry = await gql(
			`{ xtremMasterData { customer { queryAggregate(filter: "{isActive:true}") { edges { node { group { country { id } isActive } values { creditLimit { sum } } } } } } } }`,
		);
		const groups = byCustomerCountry.json.data.xtremMasterData.customer.queryAggregate.edges.map(
			(e: any) => e.node.group,
		);
		expect(groups).toHaveLength(5);
		expect(groups[0]).toEqual({ country: { id: 'FR' }, isActive: true });
	});

	test('multi-key orderBy with _id as final tie-breaker, and nested reference orderBy', async () => {
		const r = conn(
			await gql(
				customers(
					'first: 1000, orderBy: "{isActive:-1, creditLimit:+1, _id:-1}"',
					'_id isActive creditLimit',
				),
			),
		);
		const rows = r.edges.map((e: any) => e.node);
		for (let i = 1; i < rows.length; i++) {
			const [a, b] = [rows[i - 1], rows[i]];
			const key = (x: any) => [x.isActive ? 0 : 1, Number(x.creditLimit), -Number(x._id)];
			const [ka, kb] = [key(a), key(b)];
			const cmp = ka[0] - kb[0] || ka[1] - kb[1] || ka[2] - kb[2];
			expect(cmp).toBeLessThan(0);
		}
		expect(r.edges[0].cursor).toBe(
			JSON.stringify([true, Number(rows[0].creditLimit), rows[0]._id]),
		);
		const nested = conn(
			await gql(
				customers('first: 1000, orderBy: "{currency:{id:-1}, _id:+1}"', '_id currency { id }'),
			),
		);
		const ids = nested.edges.map((e: any) => e.node.currency.id);
		expect([...ids].sort().reverse()).toEqual(ids);
		const bad = await gql(customers('orderBy: "{name:2}"'));
		expect(bad.json.errors[0].message).toMatch(/Invalid orderBy: 'name' expects \+1 or -1/);
		const unknown = await gql(customers('orderBy: "{nope:1}"'));
		expect(unknown.json.errors[0].message).toMatch(/unknown property 'nope'/);
	});

	test('nested collection: lines { query } with filter, orderBy and paging', async () => {
		const r = await gql(
			`{ xtremSales { salesOrder { query(filter: "{number:'SO000001'}") { edges { node { number status lines { query(orderBy: "{lineNumber:-1}") { totalCount edges { node { _id lineNumber item { id } quantity netPrice amount } } } } } } } } } }`,
		);
		const order = r.json.data.xtremSales.salesOrder.query.edges[0].node;
		expect(order.status).toBe('shipped');
		expect(order.lines.query.totalCount).toBe(2);
		expect(order.lines.query.edges.map((e: any) => e.node.lineNumber)).toEqual([2, 1]);
		const l = order.lines.query.edges[0].node;
		expect(Number(l.amount)).toBeCloseTo(Number(l.quantity) * Number(l.netPrice), 6);
		const page = await gql(
			`{ xtremSales { salesOrder { read(_id: "#SO000001") { lines { query(first: 1, filter: "{lineNumber:{_gte:1}}") { totalCount pageInfo { hasNextPage endCursor } edges { node { lineNumber } } } readAggregate { quantity { sum } } } } } } }`,
		);
		const lines = page.json.data.xtremSales.salesOrder.read.lines;
		expect(lines.query.pageInfo.hasNextPage).toBe(true);
		expect(lines.query.edges).toHaveLength(1);
		expect(typeof lines.readAggregate.quantity.sum).toBe('string');
	});

	test('validation errors answer 400 with errors[]; bad bodies answer 400', async () => {
		const r = await gql('{ xtremMasterData { customer { query { edges { node { nope } } } } } }');
		expect(r.status).toBe(400);
		expect(r.json.errors[0].message).toMatch(/Cannot query field "nope"/);
		expect(r.json.data).toBeUndefined();
		const syntax = await gql('{ xtremMasterData { ');
		expect(syntax.status).toBe(400);
		expect(syntax.json.errors[0].locations[0]).toEqual({ line: 1, column: 21 });
		const token = (await session(sim)).tokens.accessToken;
		const raw = await fetch(sim.graphqlUrl(), {
			method: 'POST',
			headers: { authorization: `Bearer ${token}` },
			body: '{not json',
		});
		expect(raw.status).toBe(400);
		expect(
			(await postJson(sim.graphqlUrl(), { variables: {} }, { authorization: `Bearer ${token}` }))
				.status,
		).toBe(400);
		const vars = await gql(
			'query($n: Int) { xtremMasterData { customer { query(first: $n) { totalCount } } } }',
			{ n: 'x' },
		);
		expect(vars.status).toBe(400);
		const two = await gql('query A { __typename } query B { __typename }');
		expect(two.status).toBe(400);
		expect(
			(await gql('query A { __typename } query B { __typename }', undefined, 'B')).json.data,
		).toEqual({ __typename: 'Query' });
	});

	test('success carries extensions.diagnoses (empty) and the request lands in graphqlLog', async () => {
		sim.clearGraphqlLog();
		const r = await gql(
			'query Q($f: String) { xtremMasterData { currency { query(filter: $f) { totalCount } } } }',
			{ f: "{id:'EUR'}" },
			'Q',
		);
		expect(r.json).toEqual({
			data: { xtremMasterData: { currency: { query: { totalCount: 1 } } } },
			extensions: { diagnoses: [] },
		});
		const log = sim.graphqlLog();
		expect(log).toHaveLength(1);
		expect(log[0]).toEqual({
			query: expect.stringContaining('query Q'),
			variables: { f: "{id:'EUR'}" },
			operationName: 'Q',
		});
	});

	test('every package answers: sites, countries, currencies, items, business entities, orders', async () => {
		const r = await gql(`{
			xtremSystem { site { query(orderBy: "{id:+1}") { edges { node { id name country { id } currency { id } } } } } }
			xtremStructure { country { query { totalCount } } }
			xtremMasterData {
				currency { query { edges { node { id decimalDigits } } } }
				item { read(_id: "#ITEM-1") { id name basePrice stockUnit { id name } } }
				businessEntity { read(_id: "#FR001") { id name country { id } } }
			}
			xtremSales { salesOrder { query(first: 1000) { totalCount } } }
		}`);
		const d = r.json.data;
		expect(d.xtremSystem.site.query.edges.map((e: any) => e.node.id)).toEqual([
			'100',
			'200',
			'700',
		]);
		expect(d.xtremStructure.country.query.totalCount).toBe(5);
		expect(d.xtremMasterData.currency.query.edges.map((e: any) => e.node.id)).toEqual([
			'EUR',
			'USD',
			'GBP',
			'CHF',
			'JPY',
		]);
		expect(d.xtremMasterData.item.read).toEqual({
			id: 'ITEM-1',
			name: 'Glass Filter 1',
			basePrice: '226.94',
			stockUnit: { id: 'EACH', name: 'each' },
		});
		expect(d.xtremMasterData.businessEntity.read.country.id).toBe('FR');
		expect(d.xtremSales.salesOrder.query.totalCount).toBe(40);
	});
});
