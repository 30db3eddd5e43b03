/**
 * The filter builder and the sort list (node version 2) through the real n8n engine against
 * the simulator: every operator on every kind of field it fits, each run against the
 * simulator's own records and compared with what a plain reading of them says it must
 * select (a case that selects nothing or everything proves nothing, so none may); All and
 * Any; values with quotes, backslashes, `#`, braces and regex characters; nested references;
 * collections; dates from expressions; refusals before any request.
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
	type RunOptions,
} from './fixture';
import { loadOptions } from './load-options';

const env = useNodeEnv({ seed: { customers: 60, salesOrders: 40 } });

const CUSTOMER = 'xtremMasterData.customer';
const ORDER = 'xtremSales.salesOrder';
const LINE = 'xtremSales.salesOrderLine';

type Rec = Record<string, unknown>;
type Condition = { field: string; operator: string; value?: string | number | number[] };

/** Names a person might type that mean something to a regex, to Sage's syntax or to GraphQL. */
const SPECIAL_NAMES = [
	`O'Brien "Quoted"`,
	'Back\\slash',
	'Hash #42',
	'{Braces}',
	'Dot.Star*Plus+ (Paren) [Bracket] ^$|?',
	'DotXStar',
];

const byNumber = (a: string, b: string) => Number(a) - Number(b);
const records = (type: string): Rec[] => env.sim.store().list(type);
const countryId = (code: string) =>
	String(records('xtremStructure.country').find((country) => country.id === code)?._id);
const customerOf = (order: Rec) => env.sim.store().get(CUSTOMER, String(order.soldToCustomer));
const linesOf = (order: Rec) => records(LINE).filter((line) => line.document === order._id);
const itemOf = (line: Rec) => env.sim.store().get('xtremMasterData.item', String(line.item));

function getMany(
	type: string,
	conditions: Condition[],
	extra: INodeParameters = {},
): INodeParameters {
	return {
		resource: 'record',
		operation: 'getMany',
		recordType: recordType(type),
		returnAll: true,
		fields: '_id',
		filterType: 'manual',
		conditions: { condition: conditions },
		...extra,
	};
}

async function run(parameters: INodeParameters, options: RunOptions = {}) {
	return await runNode(env, parameters, { typeVersion: 2, ...options });
}

async function selectedIds(
	type: string,
	conditions: Condition[],
	extra: INodeParameters = {},
	options: RunOptions = {},
) {
	const items = outputOf(await run(getMany(type, conditions, extra), options));
	return items.map((item) => String(item.json._id)).sort(byNumber);
}

/** The node's selection equals the records `keep` says, which are some but not all. */
async function expectSelection(
	type: string,
	conditions: Condition[],
	keep: (record: Rec) => boolean,
	extra: INodeParameters = {},
	options: RunOptions = {},
): Promise<void> {
	const all = records(type);
	const expected = all
		.filter(keep)
		.map((record) => String(record._id))
		.sort(byNumber);
	expect(expected.length).toBeGreaterThan(0);
	expect(expected.length).toBeLessThan(all.length);
	expect(await selectedIds(type, conditions, extra, options)).toEqual(expected);
}

beforeAll(() => {
	const store = env.sim.store();
	SPECIAL_NAMES.forEach((name, index) =>
		store.insert(CUSTOMER, {
			id: `SPC${index + 1}`,
			name,
			currency: '#EUR',
			// Text left empty both ways Sage may keep it.
			phone: index === 0 ? '' : null,
		}),
	);
	store.insert(ORDER, {
		number: 'SO-NO-LINES',
		soldToCustomer: '#FR001',
		site: '#100',
		orderDate: '2026-06-01',
		status: 'quote',
	});
});

const condition = (field: string, operator: string, value?: Condition['value']): Condition => ({
	field,
	operator,
	value,
});
const text = (record: Rec, field: string) => (record[field] ?? null) as string | null;
const number = (record: Rec, field: string) => record[field] as number | null | undefined;
const stamp = (record: Rec) => Date.parse(String(record._createStamp));

describe('each operator on each kind of field, against the simulator’s records', () => {
	const customerCases: Array<[string, Condition, (record: Rec) => boolean]> = [
		['text equals', condition('city', 'equals', 'Lyon'), (r) => r.city === 'Lyon'],
		['text not equals', condition('city', 'notEquals', 'Lyon'), (r) => r.city !== 'Lyon'],
		[
			'text contains',
			condition('name', 'contains', 'an'),
			(r) => Boolean(text(r, 'name')?.includes('an')),
		],
		[
			'text starts with',
			condition('name', 'startsWith', 'Acme'),
			(r) => Boolean(text(r, 'name')?.startsWith('Acme')),
		],
		[
			'text ends with',
			condition('name', 'endsWith', 'Labs'),
			(r) => Boolean(text(r, 'name')?.endsWith('Labs')),
		],
		[
			'text is one of',
			condition('city', 'isOneOf', 'Lyon, Paris'),
			(r) => ['Lyon', 'Paris'].includes(String(r.city)),
		],
		[
			'text is not one of',
			condition('city', 'isNotOneOf', 'Lyon,Paris'),
			(r) => !['Lyon', 'Paris'].includes(String(r.city)),
		],
		[
			'text greater than',
			condition('name', 'greaterThan', 'M'),
			(r) => text(r, 'name') !== null && String(r.name) > 'M',
		],
		[
			'text less than or equal',
			condition('name', 'lessThanOrEqual', 'Delta'),
			(r) => text(r, 'name') !== null && String(r.name) <= 'Delta',
		],
		[
			'text is empty (null or "")',
			condition('phone', 'isEmpty'),
			(r) => r.phone === null || r.phone === undefined || r.phone === '',
		],
		[
			'text is not empty',
			condition('email', 'isNotEmpty'),
			(r) => typeof r.email === 'string' && r.email !== '',
		],
		['_id equals', condition('_id', 'equals', '5'), (r) => r._id === '5'],
		[
			'_id is one of',
			condition('_id', 'isOneOf', '1, 2, 3'),
			(r) => ['1', '2', '3'].includes(String(r._id)),
		],
		['_id greater than', condition('_id', 'greaterThan', '50'), (r) => Number(r._id) > 50],
		[
			'whole number equals',
			condition('paymentTermDays', 'equals', '30'),
			(r) => r.paymentTermDays === 30,
		],
		[
			'whole number not equals',
			condition('paymentTermDays', 'notEquals', '0'),
			(r) => (r.paymentTermDays ?? null) !== 0,
		],
		[
			'whole number greater than',
			condition('paymentTermDays', 'greaterThan', '30'),
			(r) => (number(r, 'paymentTermDays') ?? -1) > 30,
		],
		[
			'whole number at least',
			condition('paymentTermDays', 'greaterThanOrEqual', '30'),
			(r) => (number(r, 'paymentTermDays') ?? -1) >= 30,
		],
		[
			'whole number less than',
			condition('paymentTermDays', 'lessThan', 30),
			(r) => typeof r.paymentTermDays === 'number' && r.paymentTermDays < 30,
		],
		[
			'whole number at most',
			condition('paymentTermDays', 'lessThanOrEqual', '30'),
			(r) => typeof r.paymentTermDays === 'number' && r.paymentTermDays <= 30,
		],
		[
			'whole number is one of',
			condition('paymentTermDays', 'isOneOf', '15, 60'),
			(r) => [15, 60].includes(r.paymentTermDays as number),
		],
		[
			'whole number is not one of',
			condition('paymentTermDays', 'isNotOneOf', [15, 60]),
			(r) => ![15, 60].includes(r.paymentTermDays as number),
		],
		[
			'whole number is empty',
			condition('paymentTermDays', 'isEmpty'),
			(r) => r.paymentTermDays === null || r.paymentTermDays === undefined,
		],
		[
			'whole number is not empty',
			condition('paymentTermDays', 'isNotEmpty'),
			(r) => typeof r.paymentTermDays === 'number',
		],
		[
			'decimal greater than',
			condition('creditLimit', 'greaterThan', '12000'),
			(r) => (number(r, 'creditLimit') ?? -1) > 12000,
		],
		[
			'decimal at most',
			condition('creditLimit', 'lessThanOrEqual', '6000.5'),
			(r) => typeof r.creditLimit === 'number' && r.creditLimit <= 6000.5,
		],
		[
			'decimal equals a number from an expression',
			condition('creditLimit', 'equals', '={{ 6000 * 2 }}'),
			(r) => r.creditLimit === 12000,
		],
		['boolean is true', condition('isActive', 'isTrue'), (r) => r.isActive === true],
		['boolean is false', condition('isActive', 'isFalse'), (r) => r.isActive === false],
		[
			'boolean equals "false"',
			condition('isActive', 'equals', 'false'),
			(r) => r.isActive === false,
		],
		[
			'date-time on or after',
			condition('_createStamp', 'greaterThanOrEqual', '2026-06-01T00:00:00Z'),
			(r) => stamp(r) >= Date.parse('2026-06-01T00:00:00Z'),
		],
		[
			'date-time before a date',
			condition('_createStamp', 'lessThan', '2026-03-01'),
			(r) => stamp(r) < Date.parse('2026-03-01'),
		],
		[
			'reference equals #key',
			condition('country', 'equals', '#FR'),
			(r) => r.country === countryId('FR'),
		],
		[
			'reference equals _id',
			condition('country', 'equals', '={{ $json.usId }}'),
			(r) => r.country === countryId('US'),
		],
		[
			'reference not equals',
			condition('country', 'notEquals', '#FR'),
			(r) => r.country !== countryId('FR'),
		],
		[
			'reference is one of',
			condition('country', 'isOneOf', '#FR, #DE'),
			(r) => [countryId('FR'), countryId('DE')].includes(String(r.country)),
		],
		[
			'reference is empty',
			condition('country', 'isEmpty'),
			(r) => r.country === null || r.country === undefined,
		],
		[
			'reference is not empty',
			condition('businessEntity', 'isNotEmpty'),
			(r) => typeof r.businessEntity === 'string',
		],
		[
			"reference's key",
			condition('country.id', 'equals', 'FR'),
			(r) => r.country === countryId('FR'),
		],
		[
			"referenced record's field",
			condition('country.name', 'startsWith', 'United'),
			(r) => [countryId('US'), countryId('GB')].includes(String(r.country)),
		],
	];

	test.each(customerCases)('customers: %s', async (_label, given, keep) => {
		await expectSelection(CUSTOMER, [given], keep, {}, { input: [{ usId: countryId('US') }] });
	});

	const middleDate = () => {
		const dates = records(ORDER)
			.map((order) => String(order.orderDate))
			.sort();
		return dates[Math.floor(dates.length / 2)];
	};
	const orderCases: Array<[string, () => Condition, (record: Rec) => boolean]> = [
		[
			'date equals',
			() => condition('orderDate', 'equals', middleDate()),
			(r) => r.orderDate === middleDate(),
		],
		[
			'date not equals',
			() => condition('orderDate', 'notEquals', middleDate()),
			(r) => r.orderDate !== middleDate(),
		],
		[
			'date on or after',
			() => condition('orderDate', 'greaterThanOrEqual', middleDate()),
			(r) => String(r.orderDate) >= middleDate(),
		],
		[
			'date after',
			() => condition('orderDate', 'greaterThan', middleDate()),
			(r) => String(r.orderDate) > middleDate(),
		],
		[
			'date before',
			() => condition('orderDate', 'lessThan', middleDate()),
			(r) => String(r.orderDate) < middleDate(),
		],
		[
			'date on or before',
			() => condition('orderDate', 'lessThanOrEqual', middleDate()),
			(r) => String(r.orderDate) <= middleDate(),
		],
		['enum equals', () => condition('status', 'equals', 'pending'), (r) => r.status === 'pending'],
		[
			'enum equals, any case',
			() => condition('status', 'equals', 'PENDING'),
			(r) => r.status === 'pending',
		],
		[
			'enum not equals',
			() => condition('status', 'notEquals', 'closed'),
			(r) => r.status !== 'closed',
		],
		[
			'enum is one of',
			() => condition('status', 'isOneOf', 'shipped, closed'),
			(r) => ['shipped', 'closed'].includes(String(r.status)),
		],
		[
			'enum is not one of',
			() => condition('status', 'isNotOneOf', 'quote'),
			(r) => r.status !== 'quote',
		],
		[
			'decimal total greater than',
			() => condition('totalAmountExcludingTax', 'greaterThan', '20000'),
			(r) => (number(r, 'totalAmountExcludingTax') ?? -1) > 20000,
		],
		[
			'collection has no records',
			() => condition('lines', 'isEmpty'),
			(r) => linesOf(r).length === 0,
		],
		[
			'collection has records',
			() => condition('lines', 'isNotEmpty'),
			(r) => linesOf(r).length > 0,
		],
		[
			'a field of any record of a collection',
			() => condition('lines.quantity', 'greaterThan', '50'),
			(r) => linesOf(r).some((line) => Number(line.quantity) > 50),
		],
		[
			"a reference's key inside a collection",
			() => condition('lines.item.id', 'equals', String(itemOf(records(LINE)[0])?.id)),
			(r) => linesOf(r).some((line) => itemOf(line)?.id === itemOf(records(LINE)[0])?.id),
		],
		[
			"a reference's key",
			() => condition('soldToCustomer.id', 'equals', 'FR001'),
			(r) => customerOf(r)?.id === 'FR001',
		],
		[
			'a reference of a reference (two levels down)',
			() => condition('soldToCustomer.country.id', 'equals', 'FR'),
			(r) => customerOf(r)?.country === countryId('FR'),
		],
	];

	test.each(orderCases)('sales orders: %s', async (_label, given, keep) => {
		await expectSelection(ORDER, [given()], keep);
	});
});

describe('values that mean something to Sage’s syntax or to a regex are sent as data', () => {
	test.each(SPECIAL_NAMES.map((name) => [name]))(
		'%s: equals selects exactly that record',
		async (name) => {
			await expectSelection(CUSTOMER, [condition('name', 'equals', name)], (r) => r.name === name);
		},
	);

	const fragments: Array<[string, string, (name: string) => boolean]> = [
		['contains', `'Brien "Q`, (name) => name.includes(`'Brien "Q`)],
		['contains', 'k\\sl', (name) => name.includes('k\\sl')],
		['contains', '#42', (name) => name.includes('#42')],
		['contains', '{Bra', (name) => name.includes('{Bra')],
		// Regex characters are matched as they are: "." is no wildcard, so DotXStar stays out.
		['contains', 'Dot.Star', (name) => name.includes('Dot.Star')],
		[
			'contains',
			'*Plus+ (Paren) [Bracket] ^$|?',
			(name) => name.includes('*Plus+ (Paren) [Bracket] ^$|?'),
		],
		['startsWith', '{', (name) => name.startsWith('{')],
		['endsWith', '^$|?', (name) => name.endsWith('^$|?')],
	];
	test.each(fragments)('%s %s', async (operator, value, keep) => {
		await expectSelection(CUSTOMER, [condition('name', operator, value)], (r) =>
			keep(String(r.name ?? '')),
		);
	});
});

describe('All and Any', () => {
	const french = (r: Rec) => r.country === countryId('FR');
	test('All: every condition must match', async () => {
		await expectSelection(
			CUSTOMER,
			[condition('country.id', 'equals', 'FR'), condition('paymentTermDays', 'equals', '45')],
			(r) => french(r) && r.paymentTermDays === 45,
			{ match: 'all' },
		);
	});

	test('Any: one matching condition is enough', async () => {
		await expectSelection(
			CUSTOMER,
			[condition('country.id', 'equals', 'FR'), condition('paymentTermDays', 'equals', '45')],
			(r) => french(r) || r.paymentTermDays === 45,
			{ match: 'any' },
		);
	});
});

describe('dates from expressions', () => {
	test.each([
		["$now.startOf('year').toISODate()", "={{ $now.startOf('year').toISODate() }}"],
		["$now.startOf('year'), a DateTime", "={{ $now.startOf('year') }}"],
	])(
		'%s: this year’s orders, the compiled filter shown with Show Sage Syntax',
		async (_label, value) => {
			const result = await run(
				getMany(ORDER, [condition('orderDate', 'greaterThanOrEqual', value)], {
					options: { showSageSyntax: true },
				}),
			);
			const hint = result
				.hints(NODE_NAME)
				.map((entry) => entry.message)
				.join('\n');
			const sent = /Filter sent to Sage: \{ orderDate: \{ _gte: '(\d{4}-01-01)' \} \}/.exec(hint);
			expect(sent).not.toBeNull();
			const yearStart = sent![1];
			const expected = records(ORDER)
				.filter((order) => String(order.orderDate) >= yearStart)
				.map((order) => String(order._id))
				.sort(byNumber);
			expect(expected.length).toBeGreaterThan(0);
			expect(expected.length).toBeLessThan(records(ORDER).length);
			expect(
				outputOf(result)
					.map((item) => String(item.json._id))
					.sort(byNumber),
			).toEqual(expected);
		},
	);
});

describe('the sort list', () => {
	test('newest first, then by number, compiled to Sage’s order', async () => {
		const items = outputOf(
			await run({
				...getMany(ORDER, [], { fields: '_id number orderDate' }),
				sortType: 'manual',
				sort: {
					rule: [
						{ field: 'orderDate', direction: 'descending' },
						{ field: 'number', direction: 'ascending' },
					],
				},
				options: { showSageSyntax: true },
			}),
		);
		const expected = [...records(ORDER)]
			.sort(
				(a, b) =>
					String(b.orderDate).localeCompare(String(a.orderDate)) ||
					(String(a.number) < String(b.number) ? -1 : String(a.number) > String(b.number) ? 1 : 0),
			)
			.map((order) => String(order._id));
		expect(items.map((item) => String(item.json._id))).toEqual(expected);
	});

	test("by a referenced record's field", async () => {
		const items = outputOf(
			await run({
				...getMany(ORDER, [], { fields: '_id soldToCustomer { name }' }),
				sort: { rule: [{ field: 'soldToCustomer.name', direction: 'ascending' }] },
			}),
		);
		const names = items.map((item) => String((item.json.soldToCustomer as IDataObject).name));
		expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
		expect(new Set(names).size).toBeGreaterThan(1);
	});

	test('Sage Syntax keeps the text form', async () => {
		const items = outputOf(
			await run({
				...getMany(ORDER, [], { fields: '_id', limit: 3, returnAll: false }),
				sortType: 'sage',
				orderBy: '{_id:-1}',
			}),
		);
		const ids = records(ORDER).map((order) => Number(order._id));
		expect(items.map((item) => Number(item.json._id))).toEqual(
			[...ids].sort((a, b) => b - a).slice(0, 3),
		);
	});
});

test("this year's sales orders of one customer, newest first, with number, date and total", async () => {
	const customer = customerOf(records(ORDER)[records(ORDER).length - 1])!;
	const items = outputOf(
		await run(
			{
				...getMany(
					ORDER,
					[
						condition('soldToCustomer.id', 'equals', '={{ $json.customer }}'),
						condition('orderDate', 'greaterThanOrEqual', "={{ $now.startOf('year').toISODate() }}"),
					],
					{ fields: 'number orderDate totalAmountExcludingTax' },
				),
				sort: { rule: [{ field: 'orderDate', direction: 'descending' }] },
			},
			{ input: [{ customer: String(customer.id) }] },
		),
	);
	const yearStart = `${new Date().getFullYear()}-01-01`;
	const expected = records(ORDER)
		.filter(
			(order) => order.soldToCustomer === customer._id && String(order.orderDate) >= yearStart,
		)
		.sort(
			(a, b) =>
				String(b.orderDate).localeCompare(String(a.orderDate)) || Number(a._id) - Number(b._id),
		)
		.map((order) => ({
			number: order.number,
			orderDate: order.orderDate,
			totalAmountExcludingTax: order.totalAmountExcludingTax,
		}));
	expect(expected.length).toBeGreaterThan(0);
	expect(items.map((item) => item.json)).toEqual(expected);
});

describe('refused before any request, naming the condition and the item', () => {
	const refusals: Array<[string, Condition[], RegExp]> = [
		[
			'a date that is no date',
			[condition('orderDate', 'equals', 'next year')],
			/^Filter condition 1: Order Date Is Equal To: "next year" is not a date \[item 0\]$/,
		],
		[
			'an empty value',
			[condition('status', 'isOneOf', 'pending'), condition('number', 'equals', '')],
			/^Filter condition 2: Number Is Equal To: the value is empty \[item 0\]$/,
		],
		[
			'an operator that does not fit the field',
			[condition('totalAmountExcludingTax', 'contains', '5')],
			/^Filter condition 1: Total Amount Excluding Tax \(a number\) cannot be compared with 'Contains' \[item 0\]$/,
		],
		[
			'a field the record type does not have',
			[condition('statsu', 'equals', 'pending')],
			/^Filter condition 1: Sales Order has no field 'statsu'\. Did you mean 'status'\? \[item 0\]$/,
		],
		[
			'a value outside the enum',
			[condition('status', 'equals', 'shipping')],
			/^Filter condition 1: Status Is Equal To: "shipping" is not one of status's values \[item 0\]$/,
		],
		[
			'a decimal for a whole number',
			[condition('lines.lineNumber', 'equals', '4.5')],
			/^Filter condition 1: Lines › Line Number Is Equal To: "4\.5" is not a whole number \[item 0\]$/,
		],
		[
			'no field',
			[condition('', 'equals', 'x')],
			/^Filter condition 1: no field is picked \[item 0\]$/,
		],
	];

	test.each(refusals)('%s', async (_label, conditions, message) => {
		await run(getMany(ORDER, [], { fields: '_id', limit: 1, returnAll: false })); // the schema is loaded
		const from = env.sim.graphqlLog().length;
		const error = errorOf(await run(getMany(ORDER, conditions)));
		expect(error.message).toMatch(message);
		expect(error.description).toBeTruthy();
		expect(dataRequests(env, from)).toHaveLength(0);
	});

	test('the enum refusal lists the values to use', async () => {
		const error = errorOf(await run(getMany(ORDER, [condition('status', 'equals', 'shipping')])));
		expect(error.description).toContain('Use one of: quote, pending, inProgress');
	});

	test('a sort field that cannot be sorted by', async () => {
		const from = env.sim.graphqlLog().length;
		const error = errorOf(
			await run({
				...getMany(ORDER, []),
				sort: { rule: [{ field: 'soldToCustomer', direction: 'ascending' }] },
			}),
		);
		expect(error.message).toBe('Sort 1: Sold To Customer cannot be sorted by [item 0]');
		expect(error.description).toContain('soldToCustomer.id');
		expect(dataRequests(env, from)).toHaveLength(0);
	});

	test('with Continue On Fail, the refused item gets its error and the others their records', async () => {
		const result = await run(
			getMany(ORDER, [condition('orderDate', 'greaterThanOrEqual', '={{ $json.since }}')]),
			{
				input: [{ since: '2026-06-01' }, { since: 'June' }],
				continueOnFail: true,
			},
		);
		const items = outputOf(result);
		const failed = items.filter((item) => item.json.error !== undefined);
		expect(failed).toHaveLength(1);
		expect(failed[0].json.error).toBe(
			'Filter condition 1: Order Date Is On or After: "June" is not a date',
		);
		expect(failed[0].pairedItem).toEqual({ item: 1 });
		const found = items.filter((item) => item.json.error === undefined);
		expect(found.length).toBe(
			records(ORDER).filter((order) => String(order.orderDate) >= '2026-06-01').length,
		);
	});
});

describe('Update Many and Aggregate take the same builder', () => {
	test('Update Many changes exactly the records the conditions select', async () => {
		const store = env.sim.store();
		const marked = ['UPD1', 'UPD2', 'UPD3'].map((id, index) =>
			store.insert(CUSTOMER, {
				id,
				name: `Update Many ${index}`,
				currency: '#EUR',
				city: index < 2 ? 'Brest' : 'Caen',
			}),
		);
		const result = await run({
			resource: 'record',
			operation: 'updateMany',
			recordType: recordType(CUSTOMER),
			filterType: 'manual',
			conditions: {
				condition: [condition('city', 'equals', 'Brest'), condition('id', 'startsWith', 'UPD')],
			},
			dataMode: 'json',
			data: '{ "paymentTermDays": 99 }',
		});
		expect(outputOf(result)[0].json).toEqual({
			filter: "{ _and: [{ city: { _eq: 'Brest' } }, { id: { _regex: '^UPD' } }] }",
			result: true,
		});
		expect(
			marked.map((record) => store.get(CUSTOMER, String(record._id))?.paymentTermDays),
		).toEqual([99, 99, null]);
	});

	test('Update Many without any condition is refused before any request', async () => {
		const from = env.sim.graphqlLog().length;
		const error = errorOf(
			await run({
				resource: 'record',
				operation: 'updateMany',
				recordType: recordType(CUSTOMER),
				filterType: 'manual',
				dataMode: 'json',
				data: '{ "paymentTermDays": 99 }',
			}),
		);
		expect(error.message).toBe('Filter is empty [item 0]');
		expect(dataRequests(env, from)).toHaveLength(0);
	});

	test('Aggregate totals the records the conditions select', async () => {
		const items = outputOf(
			await run({
				resource: 'record',
				operation: 'aggregate',
				recordType: recordType(CUSTOMER),
				filterType: 'manual',
				conditions: { condition: [condition('country.id', 'equals', 'FR')] },
				values: { value: [{ field: 'creditLimit', aggregations: ['count', 'sum'] }] },
			}),
		);
		const french = records(CUSTOMER).filter(
			(r) => r.country === countryId('FR') && typeof r.creditLimit === 'number',
		);
		expect(items[0].json).toEqual({
			creditLimit: {
				count: french.length,
				sum: french.reduce((total, r) => total + (r.creditLimit as number), 0),
			},
		});
	});
});

test('version 1 keeps the text Filter and Order By', async () => {
	const items = outputOf(
		await runNode(
			env,
			{
				resource: 'record',
				operation: 'getMany',
				recordType: recordType(CUSTOMER),
				returnAll: true,
				fields: '_id',
				filter: "{city:'Lyon'}",
				orderBy: '{_id:-1}',
			},
			{ typeVersion: 1 },
		),
	);
	const expected = records(CUSTOMER)
		.filter((r) => r.city === 'Lyon')
		.map((r) => Number(r._id))
		.sort((a, b) => b - a);
	expect(expected.length).toBeGreaterThan(0);
	expect(items.map((item) => Number(item.json._id))).toEqual(expected);
});

describe('the lists the editor shows', () => {
	const salesOrders = { resource: 'record', operation: 'getMany', recordType: recordType(ORDER) };
	const conditionsWith = (field: string) => ({
		...salesOrders,
		conditions: { condition: [{ field }] },
	});
	const operatorPath = 'conditions.condition[0].operator';

	test("Field: the record's fields, a reference's key and fields one level down, a collection's records' fields", async () => {
		const options = await loadOptions(
			env,
			'getFilterFields',
			salesOrders,
			'conditions.condition[0].field',
		);
		const byValue = new Map(options.map((option) => [option.value, option.name]));
		expect(byValue.get('orderDate')).toBe('Order Date');
		expect(byValue.get('_id')).toBe('ID (_id)');
		expect(byValue.get('soldToCustomer')).toBe('Sold To Customer');
		expect(byValue.get('soldToCustomer.id')).toBe('Sold To Customer › ID');
		expect(byValue.get('soldToCustomer.name')).toBe('Sold To Customer › Name');
		expect(byValue.get('lines')).toBe('Lines (Collection)');
		expect(byValue.get('lines.quantity')).toBe('Lines (Any) › Quantity');
		expect(byValue.has('_customData')).toBe(false);
		// A reference's key comes right after the reference.
		const values = options.map((option) => option.value);
		expect(values[values.indexOf('soldToCustomer') + 1]).toBe('soldToCustomer.id');
	});

	test('Operator: those that fit the field, named for it, with what Sage receives', async () => {
		const names = async (field: string) =>
			(await loadOptions(env, 'getFilterOperators', conditionsWith(field), operatorPath)).map(
				(option) => `${option.name} (${String(option.description)})`,
			);
		expect(await names('orderDate')).toEqual([
			'Is Equal To (Sage: _eq)',
			'Is Not Equal To (Sage: _ne)',
			'Is After (Sage: _gt)',
			'Is On or After (Sage: _gte)',
			'Is Before (Sage: _lt)',
			'Is On or Before (Sage: _lte)',
			'Is Empty (Sage: _eq null)',
			'Is Not Empty (Sage: _ne null)',
		]);
		expect(await names('lines')).toEqual([
			'Has No Records (Sage: _none: true)',
			'Has Records (Sage: _atLeast: 1)',
		]);
		expect((await names('soldToCustomer.name')).some((name) => name.startsWith('Contains'))).toBe(
			true,
		);
		expect((await names('status')).some((name) => name.startsWith('Contains'))).toBe(false);
		// A field given by an expression: every operator.
		expect(await names('={{ $json.field }}')).toHaveLength(15);
	});

	test('Sort field: fields to sort by, no collection and no reference as a whole', async () => {
		const options = await loadOptions(env, 'getSortFields', salesOrders, 'sort.rule[0].field');
		const values = options.map((option) => option.value);
		expect(values).toEqual(
			expect.arrayContaining(['orderDate', 'number', 'soldToCustomer.name', 'soldToCustomer.id']),
		);
		expect(values).not.toContain('lines');
		expect(values).not.toContain('soldToCustomer');
		expect(values.some((value) => String(value).startsWith('lines.'))).toBe(false);
	});
});
