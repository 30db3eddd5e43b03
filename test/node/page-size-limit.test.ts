/**
 * Sage's maximum page size is undocumented; 500 rows is the only value known to work. Against
 * a tenant that allows fewer than the node asks for (the simulator's `maxPageSize`), every
 * reader lowers its page to what the refusal states, remembers it for the tenant, and keeps a
 * page size the user set where Sage accepts it. The memory is process-wide, so the tests run
 * in order, each with a lower limit than the one before.
 */
import { SAGE_KNOWN_PAGE_SIZE } from '../../sage-client/client/paginate';
import {
	customerFactory,
	dataRequests,
	outputOf,
	recordType,
	runNode,
	useNodeEnv,
	warmUp,
} from './fixture';

const env = useNodeEnv({ seed: { customers: 600 } });
const CUSTOMER = recordType('xtremMasterData.customer');
const firsts = (from: number) =>
	dataRequests(env, from).map((request) => (request.variables as { first?: number }).first);

beforeAll(async () => await warmUp(env));
afterAll(() => env.sim.maxPageSize(undefined));

test('Create or Update asks for no more than the 500 rows known to work, so a tenant allowing 500 takes it', async () => {
	env.sim.maxPageSize(SAGE_KNOWN_PAGE_SIZE);
	const from = env.sim.graphqlLog().length;
	const customer = customerFactory('PS', 'Page size')();
	const items = outputOf(
		await runNode(
			env,
			{
				resource: 'record',
				operation: 'upsert',
				recordType: CUSTOMER,
				data: '={{ $json }}',
				fields: '_id id',
			},
			{ input: [customer] },
		),
	);
	expect(items[0].json).toMatchObject({ id: customer.id, _operation: 'created' });
	expect(firsts(from)[0]).toBe(SAGE_KNOWN_PAGE_SIZE);
});

test('Get Many: a page size Sage refuses is lowered to the limit it states and remembered; a smaller one is kept', async () => {
	env.sim.maxPageSize(400);
	const getAll = (pageSize: number) =>
		runNode(env, {
			resource: 'record',
			operation: 'getMany',
			recordType: CUSTOMER,
			returnAll: true,
			fields: '_id',
			options: { pageSize },
		});
	const total = env.sim.store().count('xtremMasterData.customer');
	let from = env.sim.graphqlLog().length;
	expect(outputOf(await getAll(1000))).toHaveLength(total);
	expect(firsts(from)).toEqual([1000, 400, 400]);
	from = env.sim.graphqlLog().length;
	expect(outputOf(await getAll(1000))).toHaveLength(total);
	expect(firsts(from)).toEqual([400, 400]); // remembered: no refusal this time
	from = env.sim.graphqlLog().length;
	expect(outputOf(await getAll(300))).toHaveLength(total);
	expect(firsts(from)).toEqual([300, 300, 300]);
});

test('Aggregate with Group By follows the same rule', async () => {
	env.sim.maxPageSize(2);
	const from = env.sim.graphqlLog().length;
	const items = outputOf(
		await runNode(env, {
			resource: 'record',
			operation: 'aggregate',
			recordType: CUSTOMER,
			groupBy: 'country { id }',
			values: { value: [{ field: 'id', aggregations: ['count'] }] },
			options: { pageSize: 1000 },
		}),
	);
	expect(items).toHaveLength(6); // five countries, and the customer created above without one
	expect(firsts(from)).toEqual([400, 2, 2, 2]);
});
