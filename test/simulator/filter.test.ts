import { SimClock } from './clock';
import { FilterError, parseLiteral } from './filter';
import { Rec } from './model';
import { seedTenant } from './seed';
import { TenantStore } from './store';
import { Simulator, startSimulator } from './index';
import { session } from './test-helpers';

const CUSTOMER = 'xtremMasterData.customer';

describe('filter parser', () => {
	test('JS-like literal: unquoted keys, both quote styles, numbers, booleans, null, arrays, trailing commas', () => {
		expect(
			parseLiteral(
				`{a:'x', "b": "y\\"z", c: -1.5e2, d: true, e: null, f: [1, 'two',], g: {h: +1},}`,
				'filter',
			),
		).toMatchObject({
			kind: 'object',
			entries: [
				{ key: 'a', value: { value: 'x' } },
				{ key: 'b', value: { value: 'y"z' } },
				{ key: 'c', value: { value: -150 } },
				{ key: 'd', value: { value: true } },
				{ key: 'e', value: { value: null } },
				{ key: 'f', value: { kind: 'array' } },
				{ key: 'g', value: { kind: 'object', entries: [{ key: 'h', value: { value: 1 } }] } },
			],
		});
	});

	test.each([
		['{name: }', "Invalid filter: unexpected '}' at position 7"],
		['{isActive:true}}', "Invalid filter: unexpected '}' at position 15"],
		["{name:'abc}", 'Invalid filter: unterminated string starting at position 6'],
		['{name: foo}', "Invalid filter: unexpected 'foo' at position 7"],
		['{name = 1}', "Invalid filter: unexpected '=' at position 6"],
		['{a:1', 'Invalid filter: unexpected end of input at position 4'],
		['1', "Invalid filter: unexpected '1' at position 0"],
		['{a:1 b:2}', "Invalid filter: unexpected 'b' at position 5"],
		['{a:(1)}', "Invalid filter: unexpected '(' at position 3"],
	])('malformed %s -> %s', (src, message) => {
		expect(() => parseLiteral(src, 'filter')).toThrow(new FilterError(message));
	});
});

describe('filter operators (store level)', () => {
	const store = new TenantStore('t', new SimClock());
	seedTenant(store, { customers: 60, items: 10, salesOrders: 20 });
	const all = [...store.all(CUSTOMER)];
	const ids = (filter: string, recordType = CUSTOMER): number[] =>
		store.query(recordType, filter, null).ids;
	const expectSame = (filter: string, pred: (r: Rec) => boolean, recordType = CUSTOMER): void => {
		const want = [...store.all(recordType)].filter(pred).map((r) => r._id);
		const got = ids(filter, recordType);
		expect(got).toEqual(want);
		return void 0;
	};

	test('implicit equality, _eq, _ne', () => {
		expectSame("{id:'FR001'}", (r) => r.id === 'FR001');
		expectSame('{isActive:{_eq:false}}', (r) => r.isActive === false);
		expectSame("{city:{_ne:'Paris'}}", (r) => r.city !== 'Paris');
		expect(ids("{id:'FR001'}")).toEqual([1]);
	});

	test('_gt _gte _lt _lte on decimals, ints, strings and stamps', () => {
		expectSame('{creditLimit:{_gt:20000}}', (r) => (r.creditLimit as number) > 20000);
		expectSame(
			"{creditLimit:{_gte:'20000', _lte: 30000}}",
			(r) => (r.creditLimit as number) >= 20000 && (r.creditLimit as number) <= 30000,
		);
		expectSame('{paymentTermDays:{_lt:30}}', (r) => (r.paymentTermDays as number) < 30);
		expectSame("{name:{_gte:'M'}}", (r) => (r.name as string) >= 'M');
		const since = store.clock.now() - 24 * 3600 * 1000;
		const changed = ids(`{_updateStamp:{_gte:'${new Date(since).toISOString()}'}}`);
		expect(changed.length).toBeGreaterThan(0); // seed spreads some updates into the last day
		expectSame(
			`{_updateStamp:{_gte:'${new Date(since).toISOString()}'}}`,
			(r) => r._updateStamp >= since,
		);
		expectSame("{_id:{_lte:'5'}}", (r) => r._id <= 5);
	});

	test('_in, _nin', () => {
		expectSame("{id:{_in:['FR001','US001','XX']}}", (r) =>
			['FR001', 'US001'].includes(r.id as string),
		);
		expectSame(
			"{city:{_nin:['Paris','London']}}",
			(r) => !['Paris', 'London'].includes(r.city as string),
		);
	});

	test('_regex with and without _options i', () => {
		expectSame("{name:{_regex:'^A'}}", (r) => /^A/.test(r.name as string));
		expectSame("{name:{_regex:'^a', _options:'i'}}", (r) => /^a/i.test(r.name as string));
		expect(() => ids("{name:{_regex:'('}}")).toThrow(/bad _regex/);
		expect(() => ids("{name:{_options:'i'}}")).toThrow(/_options without _regex/);
	});

	test('_or, _and, _not (node level and property level)', () => {
		expectSame(
			"{_or:[{city:'Paris'},{city:'London'}]}",
			(r) => r.city === 'Paris' || r.city === 'London',
		);
		expectSame(
			'{_and:[{isActive:true},{creditLimit:{_gt:10000}}]}',
			(r) => r.isActive === true && (r.creditLimit as number) > 10000,
		);
		expectSame("{_not:{city:'Paris'}}", (r) => r.city !== 'Paris');
		expectSame("{name:{_not:{_regex:'^A'}}}", (r) => !/^A/.test(r.name as string));
		expectSame(
			'{creditLimit:{_or:[{_lt:1000},{_gt:49000}]}}',
			(r) => (r.creditLimit as number) < 1000 || (r.creditLimit as number) > 49000,
		);
	});

	test('null comparisons', () => {
		expectSame('{email:null}', (r) => r.email === null);
		expectSame('{email:{_ne:null}}', (r) => r.email !== null);
		expect(ids('{email:null}')).toContain(4);
	});

	test('nested references, reference by key, JSON object filters', () => {
		const eur = store.resolveRef('xtremMasterData.currency', '#EUR');
		expectSame("{currency:{id:{_eq:'EUR'}}}", (r) => r.currency === eur);
		expectSame("{currency:'#EUR'}", (r) => r.currency === eur);
		expectSame(
			'{"currency":{"id":"EUR"},"isActive":true}',
			(r) => r.currency === eur && r.isActive === true,
		);
		expectSame("{businessEntity:{country:{id:'FR'}}}", (r) => (r.id as string).startsWith('FR'));
		expectSame("{stockUnit:{name:{_ne:'each'}}}", (r) => r.stockUnit !== 1, 'xtremMasterData.item');
	});

	test('_atLeast / _atMost on collections', () => {
		const lineCount = (r: Rec): number =>
			[...store.all('xtremSales.salesOrderLine')].filter((l) => l.document === r._id).length;
		expectSame('{lines:{_atLeast:3}}', (r) => lineCount(r) >= 3, 'xtremSales.salesOrder');
		expectSame('{lines:{_atMost:1}}', (r) => lineCount(r) <= 1, 'xtremSales.salesOrder');
		expectSame(
			'{lines:{quantity:{_gt:90}}}',
			(r) =>
				[...store.all('xtremSales.salesOrderLine')].some(
					(l) => l.document === r._id && (l.quantity as number) > 90,
				),
			'xtremSales.salesOrder',
		);
		expectSame(
			"{status:{_in:['shipped','partiallyShipped']}}",
			(r) => r.status === 'shipped' || r.status === 'partiallyShipped',
			'xtremSales.salesOrder',
		);
	});

	test('as Sage documents them: _every and _none on collections, a top-level array is AND', () => {
		const linesOf = (r: Rec) =>
			[...store.all('xtremSales.salesOrderLine')].filter((l) => l.document === r._id);
		expectSame(
			'{lines:{_every:true, quantity:{_gt:20}}}',
			(r) => linesOf(r).every((l) => (l.quantity as number) > 20),
			'xtremSales.salesOrder',
		);
		expectSame(
			'{lines:{_none:true, quantity:{_gt:20}}}',
			(r) => !linesOf(r).some((l) => (l.quantity as number) > 20),
			'xtremSales.salesOrder',
		);
		expectSame(
			"[{id:{_regex:'^FR'}},{isActive:true}]",
			(r) => String(r.id).startsWith('FR') && r.isActive === true,
		);
		expect(() => ids('[1]')).toThrow('Invalid filter: expected an object at position 1');
		expect(() => ids('{lines:{_every:true, _atLeast:2}}', 'xtremSales.salesOrder')).toThrow(
			'Invalid filter: _every cannot be combined with _atLeast, _atMost or _none at position 7',
		);
	});

	test('unknown properties and ill-typed values are refused naming them', () => {
		expect(() => ids("{nope:'x'}")).toThrow(
			"Invalid filter: unknown property 'nope' on Customer (position 1)",
		);
		expect(() => ids("{currency:{nope:'x'}}")).toThrow(/unknown property 'nope' on Currency/);
		expect(() => ids("{isActive:'yes'}")).toThrow(
			/property 'isActive' of Customer expects true or false/,
		);
		expect(() => ids("{creditLimit:{_gt:'lots'}}")).toThrow(/expects a number/);
		expect(() => ids('{name:{_foo:1}}')).toThrow(/unknown operator '_foo'/);
		expect(() => ids("{status:'lost'}", 'xtremSales.salesOrder')).toThrow(/expects one of quote/);
		expect(() => ids("{_updateStamp:{_gt:'yesterday'}}")).toThrow(/ISO date-time/);
		expect(() => ids('{id:[1]}')).toThrow(/cannot take an array/);
	});

	test('an empty filter is every record; the result is cached until a write', () => {
		expect(ids('')).toHaveLength(all.length);
		expect(ids('{}')).toHaveLength(all.length);
		const a = store.query(CUSTOMER, '{isActive:true}', '{name:+1}');
		expect(store.query(CUSTOMER, '{isActive:true}', '{name:+1}')).toBe(a);
		store.updateRecord(CUSTOMER, 1, { isActive: false });
		const b = store.query(CUSTOMER, '{isActive:true}', '{name:+1}');
		expect(b).not.toBe(a);
		expect(b.ids).not.toContain(1);
	});
});

describe('filters over HTTP', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startSimulator({ seed: { customers: 30, items: 5, salesOrders: 5 } });
	});
	afterAll(async () => {
		await sim.stop();
	});

	test('malformed filter and unknown property are GraphQL errors (HTTP 200) with the position or name', async () => {
		const { gql } = await session(sim);
		const q =
			'query($f: String) { xtremMasterData { customer { query(filter: $f) { totalCount } } } }';
		const bad = await gql(q, { f: "{isActive:true, name:'A'}}" });
		expect(bad.status).toBe(200);
		expect(bad.json.errors[0].message).toBe("Invalid filter: unexpected '}' at position 25");
		expect(bad.json.errors[0].extensions.code).toBe('invalid-argument');
		const unknown = await gql(q, { f: '{colour:1}' });
		expect(unknown.json.errors[0].message).toMatch(/unknown property 'colour'/);
		const ok = await gql(q, {
			f: "{name:{_regex:'a', _options:'i'}, currency:{id:{_in:['EUR','GBP']}}}",
		});
		expect(ok.json.data.xtremMasterData.customer.query.totalCount).toBeGreaterThan(0);
	});
});
