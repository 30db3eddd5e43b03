import { Simulator, startSimulator } from './index';
import { HttpResult, session } from './test-helpers';

type Gql = (query: string, variables?: Record<string, unknown>) => Promise<HttpResult>;

describe('mutations and business rules', () => {
	let sim: Simulator;
	let gql: Gql;
	beforeEach(async () => {
		sim = await startSimulator({ seed: { customers: 25, items: 10, salesOrders: 8 } });
		gql = (await session(sim)).gql;
	});
	afterEach(async () => {
		await sim.stop();
	});

	const CREATE_CUSTOMER = `mutation($d: Customer_Input!) { xtremMasterData { customer { create(data: $d) { _id id name creditLimit currency { id } _createStamp _updateStamp } } } }`;

	test('create assigns _id and stamps from the simulated clock; counted once', async () => {
		sim.clock.freeze();
		sim.clock.set(Date.parse('2030-01-02T03:04:05.678Z'));
		gql = (await session(sim)).gql; // tokens issued before the jump have expired
		const r = await gql(CREATE_CUSTOMER, {
			d: {
				id: 'NEW1',
				name: 'New One',
				currency: '#GBP',
				creditLimit: 1234.5,
				email: 'a@b.example',
			},
		});
		expect(r.status).toBe(200);
		const c = r.json.data.xtremMasterData.customer.create;
		expect(c).toEqual({
			_id: '26',
			id: 'NEW1',
			name: 'New One',
			creditLimit: '1234.5',
			currency: { id: 'GBP' },
			_createStamp: '2030-01-02T03:04:05.678Z',
			_updateStamp: '2030-01-02T03:04:05.678Z',
		});
		expect(r.json.extensions.diagnoses).toEqual([]);
		expect(sim.store().get('xtremMasterData.customer', 26)).toMatchObject({
			id: 'NEW1',
			currency: '3',
			isActive: true,
		});
		const counters = sim.counters();
		expect(counters.mutations).toEqual({ create: 1, update: 0, delete: 0 });
		expect(counters.mutationsByType['xtremMasterData.customer']).toEqual({
			create: 1,
			update: 0,
			delete: 0,
		});
	});

	test('create refusals: duplicate natural key, missing required field, unknown reference, negative credit limit', async () => {
		const dup = await gql(CREATE_CUSTOMER, { d: { id: 'FR001', name: 'Dup', currency: '#EUR' } });
		expect(dup.status).toBe(200);
		expect(dup.json.errors[0]).toMatchObject({
			message: 'A record already exists with the same data.',
			path: ['xtremMasterData', 'customer', 'create'],
			extensions: { code: 'duplicate-key' },
		});
		expect(dup.json.data.xtremMasterData.customer.create).toBeNull();
		const missing = await gql(CREATE_CUSTOMER, { d: { id: 'N2', currency: '#EUR' } });
		expect(missing.json.errors[0].message).toBe('Customer.name: the property is mandatory.');
		const ref = await gql(CREATE_CUSTOMER, { d: { id: 'N3', name: 'x', currency: '#XYZ' } });
		expect(ref.json.errors[0].message).toBe(
			"Customer.currency: invalid reference '#XYZ': no Currency record has this natural key.",
		);
		const refId = await gql(CREATE_CUSTOMER, { d: { id: 'N3', name: 'x', currency: '999' } });
		expect(refId.json.errors[0].message).toMatch(/currency: invalid reference '999'/);
		const neg = await gql(CREATE_CUSTOMER, {
			d: { id: 'N4', name: 'x', currency: '#EUR', creditLimit: -1 },
		});
		expect(neg.json.errors[0].message).toMatch(/cannot be negative/);
		const badJson = await gql(CREATE_CUSTOMER, {
			d: { id: 'N5', name: 'x', currency: '#EUR', _customData: '{oops' },
		});
		expect(badJson.json.errors[0].message).toMatch(/_customData/);
		expect(sim.counters().mutations.create).toBe(0);
		expect(sim.store().count('xtremMasterData.customer')).toBe(25);
	});

	test('aliases: the good ones apply, the bad one errors at its alias path with partial data', async () => {
		const r = await gql(
			`mutation($d0: Customer_Input!, $d1: Customer_Input!, $d2: Customer_Input!) { xtremMasterData { customer {
				a0: create(data: $d0) { _id id }
				a1: create(data: $d1) { _id id }
				a2: create(data: $d2) { _id id }
			} } }`,
			{
				d0: { id: 'B1', name: 'One', currency: '#EUR', email: 'x@y.example' },
				d1: { id: 'FR001', name: 'Dup', currency: '#EUR' },
				d2: { id: 'B2', name: 'Two', currency: '#USD' },
			},
		);
		expect(r.status).toBe(200);
		expect(r.json.data.xtremMasterData.customer).toEqual({
			a0: { _id: '26', id: 'B1' },
			a1: null,
			a2: { _id: '27', id: 'B2' },
		});
		expect(r.json.errors).toHaveLength(1);
		expect(r.json.errors[0].path).toEqual(['xtremMasterData', 'customer', 'a1']);
		// the warning of a2 (no email) is there, the failed a1 reports none
		expect(r.json.extensions.diagnoses).toEqual([
			{
				severity: 'warning',
				message: 'The customer has no email address.',
				path: ['xtremMasterData', 'customer', 'a2'],
			},
		]);
		expect(sim.counters().mutations.create).toBe(2);
	});

	test('update by _id, by natural key in _id, by natural key property; stamps and tick move; missing record refused', async () => {
		sim.clock.advance(1000);
		const before = sim.store().get('xtremMasterData.customer', 2)!;
		const r = await gql(`mutation { xtremMasterData { customer {
			u1: update(data: {_id: "2", name: "Renamed", creditLimit: 10}) { _id name creditLimit _updateTick _updateStamp }
			u2: update(data: {_id: "#FR001", isActive: false}) { _id isActive }
			u3: update(data: {id: "GB001", city: "York"}) { _id city }
			u4: update(data: {_id: "9999", name: "x"}) { _id }
			u5: update(data: {name: "no key"}) { _id }
			u6: update(data: {_id: "2", name: null}) { _id }
		} } }`);
		const d = r.json.data.xtremMasterData.customer;
		expect(d.u1).toMatchObject({ _id: '2', name: 'Renamed', creditLimit: '10', _updateTick: 2 });
		expect(d.u1._updateStamp > before._updateStamp!).toBe(true);
		expect(d.u2).toEqual({ _id: '1', isActive: false });
		expect(d.u3).toEqual({ _id: '3', city: 'York' });
		expect(d.u4).toBeNull();
		const byPath = Object.fromEntries(r.json.errors.map((e: any) => [e.path[2], e.message]));
		expect(byPath.u4).toBe("Customer: the record '9999' was not found.");
		expect(byPath.u5).toMatch(/_id is required/);
		expect(byPath.u6).toBe('Customer.name: the property is mandatory.');
		expect(sim.counters().mutations.update).toBe(3);
	});

	test('delete: returns 1; a shipped or partially shipped order cannot be deleted; missing record refused', async () => {
		const orders = sim.store().list('xtremSales.salesOrder');
		const pending = orders.find((o) => o.status === 'pending')!;
		const lineCount = sim.store().count('xtremSales.salesOrderLine');
		const r = await gql(`mutation { xtremSales { salesOrder {
			d1: delete(_id: "${pending._id}")
			d2: delete(_id: "#SO000001")
			d3: delete(_id: "#SO000003")
			d4: delete(_id: "99999")
		} } }`);
		expect(r.json.data.xtremSales.salesOrder).toEqual({ d1: 1, d2: null, d3: null, d4: null });
		const msgs = Object.fromEntries(r.json.errors.map((e: any) => [e.path[2], e.message]));
		expect(msgs.d2).toBe(
			'Deletion is not allowed. The sales order has been shipped or is partially shipped.',
		);
		expect(msgs.d3).toBe(
			'Deletion is not allowed. The sales order has been shipped or is partially shipped.',
		);
		expect(msgs.d4).toMatch(/not found/);
		expect(sim.store().get('xtremSales.salesOrder', pending._id as string)).toBeUndefined();
		expect(sim.store().count('xtremSales.salesOrderLine')).toBeLessThan(lineCount); // its lines went with it
		expect(sim.counters().mutationsByType['xtremSales.salesOrder']).toEqual({
			create: 0,
			update: 0,
			delete: 1,
		});
		// a customer used by an order is protected
		const used = orders.find((o) => o._id !== pending._id)!.soldToCustomer as string;
		const c = await gql(`mutation { xtremMasterData { customer { delete(_id: "${used}") } } }`);
		expect(c.json.errors[0].message).toMatch(
			/Deletion is not allowed. The record is used by SalesOrder/,
		);
	});

	test('sales order create with lines: auto number, defaults, totals, quantity warning, line errors name the line', async () => {
		const q = `mutation($d: SalesOrder_Input!) { xtremSales { salesOrder { create(data: $d) { _id number status orderDate currency { id } totalAmountExcludingTax lines { query { edges { node { lineNumber item { id } quantity netPrice amount } } } } } } } }`;
		sim.clock.freeze();
		sim.clock.set(Date.parse('2030-05-06T10:00:00Z'));
		gql = (await session(sim)).gql;
		const r = await gql(q, {
			d: {
				soldToCustomer: '#FR001',
				site: '#700',
				lines: [
					{ item: '#ITEM-1', quantity: 10, netPrice: 12.5 },
					{ item: '#ITEM-2', quantity: 1500 },
				],
			},
		});
		expect(r.status).toBe(200);
		const o = r.json.data.xtremSales.salesOrder.create;
		expect(o.number).toBe('SO000009');
		expect(o.status).toBe('pending');
		expect(o.orderDate).toBe('2030-05-06');
		expect(o.currency.id).toBe('EUR');
		const lines = o.lines.query.edges.map((e: any) => e.node);
		expect(lines[0]).toEqual({
			lineNumber: 1,
			item: { id: 'ITEM-1' },
			quantity: '10',
			netPrice: '12.5',
			amount: '125',
		});
		expect(lines[1].netPrice).toBe('52.1'); // the item's base price
		expect(o.totalAmountExcludingTax).toBe(String(125 + 1500 * 52.1));
		expect(r.json.extensions.diagnoses).toEqual([
			{
				severity: 'warning',
				message: 'Line 2: the quantity 1500 is above 1000; check the order.',
				path: ['xtremSales', 'salesOrder', 'create', 'lines', 1],
			},
		]);
		const bad = await gql(q, {
			d: {
				soldToCustomer: '#FR001',
				site: '#700',
				lines: [
					{ item: '#ITEM-1', quantity: 1 },
					{ item: '#NOPE', quantity: 1 },
				],
			},
		});
		expect(bad.json.errors[0].message).toBe(
			"lines[1]: SalesOrderLine.item: invalid reference '#NOPE': no Item record has this natural key.",
		);
		const zero = await gql(q, {
			d: { soldToCustomer: '#FR001', site: '#700', lines: [{ item: '#ITEM-1', quantity: 0 }] },
		});
		expect(zero.json.errors[0].message).toMatch(/lines\[0\]: .*greater than 0/);
		const noSite = await gql(q, { d: { soldToCustomer: '#FR001' } });
		expect(noSite.json.errors[0].message).toBe('SalesOrder.site: the property is mandatory.');
		expect(sim.store().count('xtremSales.salesOrder')).toBe(9); // nothing half-written
		const named = await gql(q, {
			d: { number: 'SO000009', soldToCustomer: '#FR001', site: '#700' },
		});
		expect(named.json.errors[0].message).toBe('A record already exists with the same data.');
	});

	test('update an order: lines created, updated and deleted through _action', async () => {
		const order = sim
			.store()
			.list('xtremSales.salesOrder')
			.find((o) => o.status === 'pending')!;
		const lines = sim
			.store()
			.list('xtremSales.salesOrderLine')
			.filter((l) => l.document === order._id);
		const r = await gql(
			`mutation($d: SalesOrder_Input!) { xtremSales { salesOrder { update(data: $d) { lines { query { edges { node { _id quantity lineNumber } } } } } } } }`,
			{
				d: {
					_id: order._id,
					lines: [
						{ _id: lines[0]._id, quantity: 7 },
						{ item: '#ITEM-3', quantity: 2 },
						...lines.slice(1).map((l) => ({ _id: l._id, _action: 'delete' })),
					],
				},
			},
		);
		expect(r.json.errors).toBeUndefined();
		const got = r.json.data.xtremSales.salesOrder.update.lines.query.edges.map((e: any) => e.node);
		expect(got).toHaveLength(2);
		expect(got[0]).toMatchObject({ _id: lines[0]._id, quantity: '7' });
		const shipped = await gql(
			`mutation { xtremSales { salesOrder { update(data: {_id: "#SO000001", lines: [{item: "#ITEM-1", quantity: 1}]}) { _id } } } }`,
		);
		expect(shipped.json.errors[0].message).toMatch(/shipped or closed/);
	});

	test('store access is direct: not counted, stamps from the clock, references by key', async () => {
		const c = sim
			.store()
			.insert('xtremMasterData.customer', { id: 'DIRECT', name: 'Direct', currency: '#EUR' });
		expect(c).toMatchObject({ _id: '26', id: 'DIRECT', currency: '1', _updateTick: 1 });
		const u = sim.store().update('xtremMasterData.customer', '26', { name: 'Changed' });
		expect(u._updateTick).toBe(2);
		expect(sim.store().remove('xtremMasterData.customer', 26)).toBe(true);
		expect(sim.counters().mutations).toEqual({ create: 0, update: 0, delete: 0 });
		expect(() =>
			sim.store().insert('xtremMasterData.customer', { id: 'FR001', name: 'x', currency: '#EUR' }),
		).toThrow('A record already exists with the same data.');
		const o = sim.store().insert('xtremSales.salesOrder', {
			soldToCustomer: '#FR001',
			site: '#100',
			status: 'shipped',
			lines: [{ item: '#ITEM-1', quantity: 2 }],
		});
		expect(o.number).toBe('SO000009');
		expect(
			sim
				.store()
				.list('xtremSales.salesOrderLine')
				.filter((l) => l.document === o._id),
		).toHaveLength(1);
	});
});
