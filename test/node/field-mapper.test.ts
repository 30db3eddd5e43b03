/**
 * Version 2's field mapper for Create, Update, Create or Update and Update Many, through the
 * real n8n engine against the simulator: the fields the editor lists (types, required marks,
 * references, enums, lines, what finds the record), and at run time the mapped values
 * converted to each field's type, references written without `#`, unknown keys and
 * unconvertible values refused before any request, naming every field and the item.
 */
import type { IDataObject, INodeParameters, ResourceMapperField } from 'n8n-workflow';

import {
	dataRequests,
	errorOf,
	mappingFields,
	outputOf,
	recordType,
	runNode,
	useNodeEnv,
	warmUp,
	type RunOptions,
} from './fixture';

const env = useNodeEnv({ seed: { customers: 10, items: 10, salesOrders: 6 } });
const CUSTOMER = recordType('xtremMasterData.customer');
const ORDER = recordType('xtremSales.salesOrder');
const CUSTOMER_FIELDS =
	'_id id name email isActive paymentTermDays creditLimit country { id } currency { id }';

let serial = 0;
const nextId = () => `M${String(++serial).padStart(4, '0')}`;

/** A version-2 node's parameters with the mapper's value as the editor saves it. */
function mapped(
	operation: string,
	value: IDataObject | null,
	extra: INodeParameters = {},
): INodeParameters {
	const { matchingColumns = [], mappingMode = 'defineBelow', ...rest } = extra;
	return {
		resource: 'record',
		operation,
		recordType: CUSTOMER,
		columns: { mappingMode, value, matchingColumns, schema: [] } as INodeParameters,
		fields: CUSTOMER_FIELDS,
		...rest,
	};
}

const v2 = (options: RunOptions = {}): RunOptions => ({ ...options, typeVersion: 2 });

const stored = (id: string) =>
	env.sim
		.store()
		.list('xtremMasterData.customer')
		.find((record) => record.id === id);

/** Runs the node and returns its error, checking that no data request (nor mutation) was sent. */
async function refusedBeforeSending(parameters: INodeParameters, options: RunOptions = {}) {
	const before = env.sim.graphqlLog().length;
	const mutations = env.sim.counters().mutations;
	const error = errorOf(await runNode(env, parameters, v2(options)));
	expect(dataRequests(env, before)).toEqual([]);
	expect(env.sim.counters().mutations).toEqual(mutations);
	return error;
}

beforeAll(async () => await warmUp(env));

describe('the fields the editor lists', () => {
	const byId = (fields: ResourceMapperField[]) =>
		Object.fromEntries(fields.map((field) => [field.id, field]));

	test('Create of a customer: writable fields with their types, required marks and how references are written; no system field but Custom Data', async () => {
		const { fields } = await mappingFields(env, {
			resource: 'record',
			operation: 'create',
			recordType: CUSTOMER,
		});
		const field = byId(fields);
		expect(fields.map((entry) => entry.id)).toEqual([
			'id',
			'name',
			'isActive',
			'email',
			'phone',
			'city',
			'country',
			'currency',
			'businessEntity',
			'creditLimit',
			'paymentTermDays',
			'_customData',
		]);
		expect(field.id).toMatchObject({ displayName: 'ID', type: 'string', required: true });
		expect(field.isActive).toMatchObject({ type: 'boolean', required: false });
		expect(field.creditLimit).toMatchObject({ displayName: 'Credit Limit', type: 'number' });
		expect(field.currency).toMatchObject({
			displayName: "Currency: a currency's ID",
			type: 'string',
			required: true,
		});
		expect(field._customData).toMatchObject({ type: 'object', required: false });
		expect(fields.some((entry) => entry.canBeUsedToMatch)).toBe(false);
		// Many fields: the required ones show, the others wait in the mapper's list.
		expect(fields.filter((entry) => !entry.removed).map((entry) => entry.id)).toEqual([
			'id',
			'name',
			'currency',
		]);
	});

	test('References Are: IDs says so in each reference’s name', async () => {
		const { fields } = await mappingFields(env, {
			resource: 'record',
			operation: 'create',
			recordType: CUSTOMER,
			references: 'id',
		});
		expect(byId(fields).country.displayName).toBe("Country: a country's _id");
	});

	test('a sales order: the status as a list of its values, the date, the lines as a list with _action', async () => {
		const { fields } = await mappingFields(env, {
			resource: 'record',
			operation: 'create',
			recordType: ORDER,
		});
		const field = byId(fields);
		expect(field.status).toMatchObject({ type: 'options' });
		expect(field.status.options?.map((option) => option.value)).toContain('partiallyShipped');
		expect(field.orderDate).toMatchObject({ type: 'dateTime' });
		expect(field.soldToCustomer).toMatchObject({
			displayName: "Sold To Customer: a customer's ID",
			required: true,
		});
		expect(field.lines).toMatchObject({
			type: 'array',
			displayName: 'Lines: list of sales order lines (JSON, _action per entry)',
		});
		expect(field.totalAmountExcludingTax).toBeUndefined(); // read-only
	});

	test('Update matches on the _id or the natural key; Create or Update on the natural key or another scalar; Update Many on nothing, and nothing is required there', async () => {
		const update = byId(
			(await mappingFields(env, { resource: 'record', operation: 'update', recordType: CUSTOMER }))
				.fields,
		);
		expect(update._id).toMatchObject({ canBeUsedToMatch: true, defaultMatch: false });
		expect(update.id).toMatchObject({
			canBeUsedToMatch: true,
			defaultMatch: true,
			required: false,
		});
		expect(update.email.canBeUsedToMatch).toBe(false);
		const upsert = byId(
			(await mappingFields(env, { resource: 'record', operation: 'upsert', recordType: CUSTOMER }))
				.fields,
		);
		expect(upsert._id).toBeUndefined();
		expect(upsert.id).toMatchObject({ canBeUsedToMatch: true, defaultMatch: true, required: true });
		expect(upsert.email).toMatchObject({ canBeUsedToMatch: true, defaultMatch: false });
		expect(upsert.country.canBeUsedToMatch).toBe(false);
		const many = (
			await mappingFields(env, {
				resource: 'record',
				operation: 'updateMany',
				recordType: CUSTOMER,
			})
		).fields;
		expect(many.some((entry) => entry.required || entry.canBeUsedToMatch)).toBe(false);
	});

	test('no record type yet: no fields and no request', async () => {
		const before = env.sim.graphqlLog().length;
		const result = await mappingFields(env, {
			resource: 'record',
			operation: 'create',
			recordType: recordType(''),
		});
		expect(result.fields).toEqual([]);
		expect(env.sim.graphqlLog().length).toBe(before);
	});
});

describe('Create', () => {
	test('text values are converted to each field’s type and references work without #; the record is created and paired to its item', async () => {
		const id = nextId();
		const input = [
			{ email: `${id.toLowerCase()}@example.com`, days: '45', active: 'true', limit: '1200.50' },
		];
		const items = outputOf(
			await runNode(
				env,
				mapped('create', {
					id,
					name: 'Mapped Customer',
					email: '={{ $json.email }}',
					isActive: '={{ $json.active }}',
					paymentTermDays: '={{ $json.days }}',
					creditLimit: '={{ $json.limit }}',
					country: 'FR',
					currency: '#EUR',
					phone: '',
				}),
				v2({ input }),
			),
		);
		expect(items).toHaveLength(1);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[0].json).toMatchObject({
			id,
			email: input[0].email,
			isActive: true,
			paymentTermDays: 45,
			creditLimit: '1200.5', // a Decimal comes out as Sage writes it
			country: { id: 'FR' },
			currency: { id: 'EUR' },
		});
		expect(stored(id)).toMatchObject({ paymentTermDays: 45, isActive: true });
		expect(stored(id)?.phone ?? null).toBeNull(); // an empty value is not sent
	});

	test('References Are: IDs sends a reference as the _id it is given', async () => {
		const id = nextId();
		const france = env.sim
			.store()
			.list('xtremStructure.country')
			.find((country) => country.id === 'FR')!;
		const [item] = outputOf(
			await runNode(
				env,
				mapped(
					'create',
					{ id, name: 'By _id', country: String(france._id), currency: '#EUR' },
					{ references: 'id' },
				),
				v2(),
			),
		);
		expect(item.json.country).toEqual({ id: 'FR' });
	});

	test('every required field left empty is named at once, and nothing is sent', async () => {
		const error = await refusedBeforeSending(mapped('create', { email: 'x@example.com' }));
		expect(error.message).toBe(
			'Customer needs values for ID (id), Name (name), Currency (currency) to be created [item 0]',
		);
	});

	test('values that cannot be converted are refused, each field named, with the item, before any request', async () => {
		const error = await refusedBeforeSending(
			mapped('create', {
				id: nextId(),
				name: 'Bad',
				currency: 'EUR',
				paymentTermDays: '={{ $json.days }}',
				isActive: 'maybe',
			}),
			{ input: [{ days: 'forty' }, { days: '45' }] },
		);
		expect(error.message).toBe(
			'Payment Term Days (paymentTermDays) expects a whole number, not "forty"; Is Active (isActive) expects true or false, not "maybe" [item 0]',
		);
	});

	test('Map Automatically: keys that are not fields are refused, each with the closest field, before any request', async () => {
		const error = await refusedBeforeSending(
			mapped('create', null, { mappingMode: 'autoMapInputData' }),
			{
				input: [
					{
						id: nextId(),
						name: 'Auto',
						currency: 'EUR',
						emial: 'a@example.com',
						company: 'Acme',
						_createStamp: 'x',
					},
				],
			},
		);
		expect(error.message).toBe(
			'3 keys are not fields of Customer that can be written: "emial" (did you mean "email"?), "company" (did you mean "country"?), "_createStamp" (it cannot be written) [item 0]',
		);
		expect(error.description).toContain('Options > Ignore Unknown Keys');
	});

	test('Map Automatically with Ignore Unknown Keys: the fields are created, the other keys left out', async () => {
		const id = nextId();
		const [item] = outputOf(
			await runNode(
				env,
				mapped('create', null, {
					mappingMode: 'autoMapInputData',
					options: { ignoreUnknownKeys: true },
				}),
				v2({
					input: [
						{
							id,
							name: 'Auto',
							currency: 'EUR',
							country: 'DE',
							company: 'Acme',
							paymentTermDays: '30',
						},
					],
				}),
			),
		);
		expect(item.json).toMatchObject({ id, paymentTermDays: 30, country: { id: 'DE' } });
	});

	test('Continue On Fail: a refused item gets its error, the others are created, each paired to its item', async () => {
		const first = nextId();
		const third = nextId();
		const items = outputOf(
			await runNode(
				env,
				mapped('create', {
					id: '={{ $json.id }}',
					name: 'Batch',
					currency: 'EUR',
					paymentTermDays: '={{ $json.days }}',
				}),
				v2({
					continueOnFail: true,
					input: [
						{ id: first, days: '10' },
						{ id: nextId(), days: 'ten' },
						{ id: third, days: 20 },
					],
				}),
			),
		);
		expect(items.map((item) => [item.json.id ?? item.json.error, item.pairedItem])).toEqual([
			[first, { item: 0 }],
			['Payment Term Days (paymentTermDays) expects a whole number, not "ten"', { item: 1 }],
			[third, { item: 2 }],
		]);
	});

	test('a reference Sage does not know names the field; a natural key with # keeps working', async () => {
		const error = errorOf(
			await runNode(
				env,
				mapped('create', { id: nextId(), name: 'Nowhere', currency: 'EUR', country: 'ZZ' }),
				v2(),
			),
		);
		expect(error.message).toMatch(/country/i);
		expect(error.message).toMatch(/ZZ/);
	});

	test('a sales order: an enum value in any case, a date from text, lines with references without #', async () => {
		const customer = env.sim.store().list('xtremMasterData.customer')[0];
		const [item] = outputOf(
			await runNode(
				env,
				{
					...mapped('create', {
						soldToCustomer: String(customer.id),
						site: '100',
						status: 'Pending',
						orderDate: '2026-01-03',
						lines: [{ item: 'ITEM-2', quantity: '3' }],
					}),
					recordType: ORDER,
					fields:
						'_id status orderDate soldToCustomer { id } lines { query { edges { node { item { id } quantity } } } }',
				},
				v2(),
			),
		);
		expect(item.json).toMatchObject({
			status: 'pending',
			orderDate: '2026-01-03',
			soldToCustomer: { id: customer.id },
		});
		expect(JSON.stringify(item.json.lines)).toContain('"ITEM-2"');
	});

	test('an enum value that is not one of its values is refused with the closest one', async () => {
		const error = await refusedBeforeSending({
			...mapped('create', { soldToCustomer: 'X', site: '100', status: 'shiped' }),
			recordType: ORDER,
		});
		expect(error.message).toBe(
			'Status (status) expects one of its values (one of quote, pending, inProgress, partiallyShipped, shipped, closed), not "shiped". Did you mean shipped? [item 0]',
		);
	});

	test('a date that is not on the calendar is refused, not shifted to the next month', async () => {
		const error = await refusedBeforeSending({
			...mapped('create', { soldToCustomer: 'X', site: '100', orderDate: '2026-02-30' }),
			recordType: ORDER,
		});
		expect(error.message).toBe(
			'Order Date (orderDate) expects a date (2026-01-03), not "2026-02-30" [item 0]',
		);
	});

	test('a number too large to hold is refused, not sent', async () => {
		const tooLarge = await refusedBeforeSending(
			mapped('create', { id: nextId(), name: 'Huge', currency: 'EUR', creditLimit: '1e999' }),
		);
		expect(tooLarge.message).toBe(
			'Credit Limit (creditLimit) expects a number, not "1e999" [item 0]',
		);
	});

	test('Data Mode JSON sends the prepared object as version 1 does', async () => {
		const id = nextId();
		const [item] = outputOf(
			await runNode(
				env,
				{
					resource: 'record',
					operation: 'create',
					recordType: CUSTOMER,
					dataMode: 'json',
					data: '={{ $json }}',
					fields: '_id id',
				},
				v2({ input: [{ id, name: 'Prepared', currency: '#EUR' }] }),
			),
		);
		expect(item.json.id).toBe(id);
	});
});

describe('Update', () => {
	test('matched on the natural key: the record it finds is updated, the key itself is not sent as a change', async () => {
		const customer = env.sim.store().list('xtremMasterData.customer')[1];
		const [item] = outputOf(
			await runNode(
				env,
				mapped(
					'update',
					{ id: String(customer.id), paymentTermDays: '60', country: 'ES' },
					{ matchingColumns: ['id'] },
				),
				v2(),
			),
		);
		expect(item.json).toMatchObject({
			_id: String(customer._id),
			paymentTermDays: 60,
			country: { id: 'ES' },
		});
	});

	test('matched on the _id, from the input item', async () => {
		const customer = env.sim.store().list('xtremMasterData.customer')[2];
		const [item] = outputOf(
			await runNode(
				env,
				mapped(
					'update',
					{ _id: '={{ $json._id }}', isActive: 'false' },
					{ matchingColumns: ['_id'] },
				),
				v2({ input: [{ _id: String(customer._id) }] }),
			),
		);
		expect(item.json).toMatchObject({ _id: String(customer._id), isActive: false });
	});

	test('an empty match value fails before any request, naming the field and the item', async () => {
		const error = await refusedBeforeSending(
			mapped('update', { id: '={{ $json.code }}', name: 'x' }, { matchingColumns: ['id'] }),
			{ input: [{ code: '' }] },
		);
		expect(error.message).toBe('ID (id) is empty: it finds the record to update [item 0]');
	});
});

describe('Create or Update', () => {
	test('found by the natural key: a new key is created, a known one updated; references without #', async () => {
		const known = env.sim.store().list('xtremMasterData.customer')[3];
		const fresh = nextId();
		const items = outputOf(
			await runNode(
				env,
				mapped(
					'upsert',
					{
						id: '={{ $json.id }}',
						name: '={{ $json.name }}',
						currency: 'EUR',
						country: '={{ $json.country }}',
					},
					{ matchingColumns: ['id'], fields: '_id id name country { id }' },
				),
				v2({
					input: [
						{ id: fresh, name: 'Upserted', country: 'GB' },
						{ id: String(known.id), name: 'Renamed', country: 'US' },
					],
				}),
			),
		);
		expect(items.map((item) => [item.json._operation, item.json.id, item.json.country])).toEqual([
			['created', fresh, { id: 'GB' }],
			['updated', known.id, { id: 'US' }],
		]);
		expect(stored(String(known.id))?.name).toBe('Renamed');
	});

	test('found by another field (email): an existing record is updated without its required fields; a new one without them is refused naming all of them, unsent', async () => {
		const known = env.sim.store().list('xtremMasterData.customer')[4];
		const mutations = env.sim.counters().mutations;
		const items = outputOf(
			await runNode(
				env,
				mapped(
					'upsert',
					{ email: '={{ $json.email }}', city: 'Lyon' },
					{ matchingColumns: ['email'], fields: '_id email city' },
				),
				v2({
					continueOnFail: true,
					input: [{ email: String(known.email) }, { email: 'nobody-yet@example.com' }],
				}),
			),
		);
		expect(items[0].json).toMatchObject({
			_operation: 'updated',
			email: known.email,
			city: 'Lyon',
		});
		expect(items[1].json.error).toBe(
			'Customer needs values for ID (id), Name (name), Currency (currency) to be created',
		);
		expect(items[1].pairedItem).toEqual({ item: 1 });
		expect(env.sim.counters().mutations).toEqual({
			...mutations,
			update: (mutations.update ?? 0) + 1,
		});
	});

	test('an unknown key is refused before the lookup', async () => {
		const error = await refusedBeforeSending(
			mapped('upsert', null, { mappingMode: 'autoMapInputData', matchingColumns: ['id'] }),
			{ input: [{ id: nextId(), name: 'x', currency: 'EUR', nmae: 'y' }] },
		);
		expect(error.message).toBe('"nmae" is not a field of Customer. Did you mean "name"? [item 0]');
	});
});

describe('Update Many', () => {
	test('mapped values converted and sent to every record the filter matches', async () => {
		const [item] = outputOf(
			await runNode(
				env,
				{
					...mapped('updateMany', { paymentTermDays: '15', isActive: '1' }),
					filterType: 'sage',
					filter: "{country:{id:'FR'}}",
				},
				v2(),
			),
		);
		expect(item.json.result).toBe(true);
		const store = env.sim.store();
		const france = store.list('xtremStructure.country').find((country) => country.id === 'FR')!;
		const french = store
			.list('xtremMasterData.customer')
			.filter((customer) => customer.country === france._id);
		expect(french.length).toBeGreaterThan(0);
		expect(
			french.every((customer) => customer.paymentTermDays === 15 && customer.isActive === true),
		).toBe(true);
	});

	test('a value that cannot be converted stops it before any request', async () => {
		const error = await refusedBeforeSending({
			...mapped('updateMany', { creditLimit: 'lots' }),
			filterType: 'sage',
			filter: '{isActive:true}',
		});
		expect(error.message).toBe('Credit Limit (creditLimit) expects a number, not "lots" [item 0]');
	});
});

describe('version 1', () => {
	test('a version-1 workflow keeps Data as JSON, references with # as written', async () => {
		const id = nextId();
		const [item] = outputOf(
			await runNode(env, {
				resource: 'record',
				operation: 'create',
				recordType: CUSTOMER,
				data: JSON.stringify({ id, name: 'Version 1', currency: '#EUR', country: '#FR' }),
				fields: '_id id country { id }',
			}),
		);
		expect(item.json).toMatchObject({ id, country: { id: 'FR' } });
	});
});
