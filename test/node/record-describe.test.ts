/**
 * Record → Describe through the real n8n engine against the simulator: the record type's
 * fields as items, from the tenant's schema (the field layer), with what a person or a model
 * needs to write them. No record is read.
 */
import { SALES_ORDER_STATUSES } from '../simulator/model';
import { dataRequests, errorOf, outputOf, recordType, runNode, useNodeEnv } from './fixture';

const env = useNodeEnv({ seed: { customers: 5, salesOrders: 2 } });
const describeOf = (value: string) => ({
	resource: 'record',
	operation: 'describe',
	recordType: recordType(value),
});

test('a customer: its fields with labels, types, required ones, and references with their key', async () => {
	const from = env.sim.graphqlLog().length;
	const items = outputOf(
		await runNode(env, describeOf('xtremMasterData.customer'), { input: [{}, {}] }),
	);
	// Only the schema was asked: no record request.
	expect(dataRequests(env, from)).toEqual([]);
	const first = items.filter(
		(item) => item.pairedItem && (item.pairedItem as { item: number }).item === 0,
	);
	expect(first.length * 2).toBe(items.length);
	const byName = new Map(first.map((item) => [item.json.name, item.json]));
	expect(byName.get('id')).toMatchObject({
		recordType: 'xtremMasterData.customer',
		label: 'ID',
		type: 'string',
		requiredOnCreate: true,
		writable: true,
		naturalKey: true,
		collection: false,
	});
	expect(byName.get('currency')).toMatchObject({
		label: 'Currency',
		type: 'reference',
		requiredOnCreate: true,
		references: 'xtremMasterData.currency',
		referenceKey: ['id'],
	});
	expect(String(byName.get('currency')?.writeAs)).toMatch(/#/);
	expect(byName.get('country')).toMatchObject({ requiredOnCreate: false, naturalKey: false });
	expect(byName.get('creditLimit')).toMatchObject({ label: 'Credit Limit', type: 'number' });
	expect(byName.get('_createStamp')).toMatchObject({ system: true, writable: false });
});

test('a sales order: enum values, its lines as a collection, a read-only total', async () => {
	const items = outputOf(await runNode(env, describeOf('xtremSales.salesOrder')));
	const byName = new Map(items.map((item) => [item.json.name, item.json]));
	expect(byName.get('status')).toMatchObject({
		type: 'enum',
		enumValues: [...SALES_ORDER_STATUSES],
	});
	expect(byName.get('lines')).toMatchObject({
		type: 'collection',
		collection: true,
		rowsOf: 'xtremSales.salesOrderLine',
	});
	expect(byName.get('totalAmountExcludingTax')).toMatchObject({ writable: false, readable: true });
	expect(byName.get('soldToCustomer')).toMatchObject({
		label: 'Sold To Customer',
		requiredOnCreate: true,
		references: 'xtremMasterData.customer',
	});
	expect(byName.get('number')).toMatchObject({ naturalKey: true });
});

test('is kept for the process: describing again sends no request', async () => {
	await runNode(env, describeOf('xtremStructure.country'));
	const from = env.sim.graphqlLog().length;
	outputOf(await runNode(env, describeOf('xtremStructure.country')));
	expect(env.sim.graphqlLog().slice(from)).toEqual([]);
});

test('an unknown record type names the ones it may be', async () => {
	const error = errorOf(await runNode(env, describeOf('xtremMasterData.custommer')));
	expect(`${error.message} ${String(error.description ?? '')}`).toMatch(
		/xtremMasterData\.customer/,
	);
});
