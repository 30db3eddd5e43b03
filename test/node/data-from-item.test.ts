/**
 * Data given as `{{ $json }}` or `{{ $json.a.b }}` is read straight from the input item
 * (n8n's expression engine is the costliest part of a batch create); any other expression
 * still goes through n8n. Both must give the same records.
 */
import { errorOf, outputOf, recordType, runNode, useNodeEnv } from './fixture';

const env = useNodeEnv({ seed: { customers: 10 } });
const CUSTOMER = recordType('xtremMasterData.customer');
const create = (data: string) => ({
	resource: 'record',
	operation: 'create',
	recordType: CUSTOMER,
	data,
	fields: '_id id name',
});

describe('Data taken from the input item', () => {
	test('{{ $json.body.customer }} reads the nested object of each item', async () => {
		const input = [1, 2].map((n) => ({
			body: { customer: { id: `NEST${n}`, name: `Nested ${n}`, currency: '#EUR' } },
		}));
		const items = outputOf(await runNode(env, create('={{ $json.body.customer }}'), { input }));
		expect(items.map((item) => [item.json.id, item.json.name, item.pairedItem])).toEqual([
			['NEST1', 'Nested 1', { item: 0 }],
			['NEST2', 'Nested 2', { item: 1 }],
		]);
	});

	test('an expression that is not a plain $json path is still evaluated by n8n', async () => {
		const input = [{ id: 'EXPR1', name: 'lower' }];
		const items = outputOf(
			await runNode(
				env,
				create('={{ { id: $json.id, name: $json.name.toUpperCase(), currency: "#EUR" } }}'),
				{ input },
			),
		);
		expect(items[0].json).toMatchObject({ id: 'EXPR1', name: 'LOWER' });
	});

	test('a $json path that the item lacks is refused as before, naming the field and item', async () => {
		const before = env.sim.counters().mutations.create;
		const result = await runNode(env, create('={{ $json.body }}'), {
			input: [{ name: 'no body' }],
		});
		expect(errorOf(result)?.message).toMatch(/^Data /);
		expect(errorOf(result)?.message).toMatch(/\[item 0\]$/);
		expect(env.sim.counters().mutations.create).toBe(before);
	});
});
