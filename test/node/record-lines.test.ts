/**
 * Lines of a sales order changed inside Update (`_action` per line, a negative `_id` for a
 * new one), errors that name the line they are about, and `_customData` as an object in
 * and out, through the real n8n engine against the simulator.
 */
import { errorOf, outputOf, recordType, runNode, useNodeEnv, SAGE_SYNTAX } from './fixture';

const env = useNodeEnv({ seed: { customers: 10, items: 10, salesOrders: 12 } });
const ORDER = recordType('xtremSales.salesOrder');
const CUSTOMER = recordType('xtremMasterData.customer');
const LINE_FIELDS =
	'_id number lines { query(orderBy: "{lineNumber:+1}") { edges { node { _id lineNumber item { id } quantity } } } }';
const update = (id: string, data: unknown) => ({
	resource: 'record',
	operation: 'update',
	recordType: ORDER,
	id,
	data: JSON.stringify(data),
	fields: LINE_FIELDS,
});

const pendingOrder = () =>
	env.sim
		.store()
		.list('xtremSales.salesOrder')
		.find((order) => order.status === 'pending' && linesOf(order._id).length >= 2)!;
const linesOf = (orderId: unknown) =>
	env.sim
		.store()
		.list('xtremSales.salesOrderLine')
		.filter((line) => line.document === orderId);

describe('lines in Update', () => {
	test('_action updates, deletes and creates lines; a new line has a negative _id', async () => {
		const order = pendingOrder();
		const [first, second] = linesOf(order._id);
		const data = {
			lines: [
				{ _action: 'update', _id: first._id, quantity: 7 },
				{ _action: 'delete', _id: second._id },
				{ _action: 'create', _id: '-1', item: '#ITEM-3', quantity: 2 },
			],
		};
		const [item] = outputOf(await runNode(env, update(String(order._id), data)));
		const lines = (
			item.json.lines as { query: { edges: Array<{ node: Record<string, unknown> }> } }
		).query.edges.map((edge) => edge.node);
		expect(lines.find((line) => line._id === first._id)).toMatchObject({ quantity: '7' });
		expect(lines.find((line) => line._id === second._id)).toBeUndefined();
		expect(lines.at(-1)).toMatchObject({ item: { id: 'ITEM-3' }, quantity: '2' });
		expect(linesOf(order._id).map((line) => line._id)).toEqual(lines.map((line) => line._id));
	});

	test('an error about a line names that line of Data by its _id and _action', async () => {
		const order = pendingOrder();
		const [first] = linesOf(order._id);
		const zero = errorOf(
			await runNode(
				env,
				update(String(order._id), {
					lines: [
						{ _id: first._id, quantity: 3 },
						{ _id: '-1', _action: 'create', item: '#ITEM-2', quantity: 0 },
					],
				}),
			),
		);
		expect(zero.message).toBe(
			'lines[1]: SalesOrderLine.quantity: the quantity must be greater than 0 (Data.lines[1]: a new line, _id "-1", _action "create"). (at xtremSales.salesOrder.update) [item 0]',
		);
		const missing = errorOf(
			await runNode(
				env,
				update(String(order._id), { lines: [{ _id: '99999', _action: 'delete' }] }),
			),
		);
		expect(missing.message).toBe(
			`lines[0]: the sales order line '99999' was not found on this order (Data.lines[0]: _id "99999", _action "delete"). (at xtremSales.salesOrder.update) [item 0]`,
		);
		expect(linesOf(order._id).find((line) => line._id === first._id)?.quantity).not.toBe(3); // the order was written whole or not at all
	});

	test('a value of the wrong type in a line is refused before Sage runs anything, naming the line', async () => {
		const order = pendingOrder();
		const [first] = linesOf(order._id);
		const items = outputOf(
			await runNode(
				env,
				{ ...update('={{ $json.id }}', {}), data: '={{ $json.data }}', options: { batchSize: 2 } },
				{
					input: [
						{
							id: String(order._id),
							data: {
								lines: [
									{ _id: first._id, quantity: 4 },
									{ _id: '-1', item: '#ITEM-2', quantity: 'lots' },
								],
							},
						},
						{ id: String(order._id), data: { customerReference: 'STILL-SENT' } },
					],
					continueOnFail: true,
				},
			),
		);
		expect(items[0].json.error).toBe(
			'Data got invalid value "lots" at "lines[1].quantity"; Decimal cannot represent "lots": expected a number or a numeric string (Data.lines[1]: a new line, _id "-1").',
		);
		expect(items[1].json.number).toBe(order.number);
		expect(env.sim.store().get('xtremSales.salesOrder', String(order._id))?.customerReference).toBe(
			'STILL-SENT',
		);
	});
});

describe('_customData', () => {
	test('comes out as an object; Custom Data as Text keeps Sage’s JSON string', async () => {
		env.sim
			.store()
			.update('xtremMasterData.customer', 1, { _customData: '{"rating":5,"tags":["vip"]}' });
		const get = {
			resource: 'record',
			operation: 'get',
			recordType: CUSTOMER,
			id: '1',
			fields: '_id _customData',
		};
		expect(outputOf(await runNode(env, get))[0].json).toEqual({
			_id: '1',
			_customData: { rating: 5, tags: ['vip'] },
		});
		expect(
			outputOf(await runNode(env, { ...get, options: { customDataAsText: true } }))[0].json,
		).toEqual({ _id: '1', _customData: '{"rating":5,"tags":["vip"]}' });
		const many = outputOf(
			await runNode(env, {
				resource: 'record',
				operation: 'getMany',
				recordType: CUSTOMER,
				...SAGE_SYNTAX,
				filter: '{_id:1}',
				fields: '_id _customData',
				returnAll: true,
			}),
		);
		expect(many.map((item) => item.json._customData)).toEqual([{ rating: 5, tags: ['vip'] }]);
	});

	test('goes in as an object or as a JSON string; anything else is refused before any request', async () => {
		const create = {
			resource: 'record',
			operation: 'create',
			recordType: CUSTOMER,
			fields: 'id _customData',
		};
		const [asObject] = outputOf(
			await runNode(env, {
				...create,
				data: '{ "id": "CD1", "name": "Custom", "currency": "#EUR", "email": "cd1@example.com", "_customData": { "rating": 3 } }',
			}),
		);
		expect(asObject.json).toEqual({ id: 'CD1', _customData: { rating: 3 } });
		const [asText] = outputOf(
			await runNode(env, {
				resource: 'record',
				operation: 'update',
				recordType: CUSTOMER,
				id: '#CD1',
				data: '{ "_customData": "{\\"rating\\": 4}" }',
				fields: 'id _customData',
			}),
		);
		expect(asText.json).toEqual({ id: 'CD1', _customData: { rating: 4 } });
		expect(
			env.sim
				.store()
				.list('xtremMasterData.customer')
				.find((c) => c.id === 'CD1')?._customData,
		).toBe('{"rating": 4}');

		const before = env.sim.counters().graphqlRequests;
		const notJson = errorOf(
			await runNode(env, {
				...create,
				data: '{ "id": "CD2", "name": "x", "currency": "#EUR", "_customData": "rating=3" }',
			}),
		);
		expect(notJson.message).toBe('Data’s _customData is not a JSON object [item 0]');
		const list = errorOf(
			await runNode(env, {
				...create,
				data: '{ "id": "CD2", "name": "x", "currency": "#EUR", "_customData": [1] }',
			}),
		);
		expect(list.message).toBe('Data’s _customData must be an object, not an array [item 0]');
		expect(env.sim.counters().graphqlRequests).toBe(before);
	});
});
