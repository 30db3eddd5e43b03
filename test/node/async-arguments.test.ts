/**
 * An asynchronous operation's Arguments in version 2: the start mutation's arguments listed in
 * n8n's field mapper (types, required marks) from the tenant's schema, and the mapped values
 * sent, through the real n8n engine against the simulator's report generation.
 */
import type { INodeParameters, ResourceMapperField, ResourceMapperValue } from 'n8n-workflow';

import { dataRequests, errorOf, outputOf, runNode, useNodeEnv } from './fixture';
import { resourceMapping } from './load-options';

const env = useNodeEnv({ seed: { customers: 12 } });
const REPORT = { __rl: true, mode: 'list', value: 'xtremReporting.report.generateReportPdf' };
const start = { resource: 'asyncOperation', operation: 'start', asyncOperation: REPORT };

async function startFields(parameters: INodeParameters = start): Promise<ResourceMapperField[]> {
	return (await resourceMapping(env, 'getStartArguments', parameters, 'arguments')).fields;
}

/** The mapper's value as the editor saves it: the values, the mode, and the fields it listed. */
const mapped = (
	value: ResourceMapperValue['value'],
	schema: ResourceMapperField[],
): ResourceMapperValue => ({
	mappingMode: 'defineBelow',
	value,
	matchingColumns: [],
	schema,
	attemptToConvertTypes: false,
	convertFieldsToString: false,
});

test('the mapper lists the start mutation’s arguments with their types and required marks', async () => {
	expect(await startFields()).toEqual([
		expect.objectContaining({
			id: 'reportName',
			displayName: 'Report Name',
			type: 'string',
			required: true,
			display: true,
		}),
		expect.objectContaining({
			id: 'filter',
			displayName: 'Filter',
			type: 'string',
			required: false,
		}),
	]);
});

test('no operation picked yet: no fields, and no request', async () => {
	const from = env.sim.graphqlLog().length;
	expect(
		await startFields({ ...start, asyncOperation: { __rl: true, mode: 'list', value: '' } }),
	).toEqual([]);
	expect(env.sim.graphqlLog().slice(from)).toEqual([]);
});

test('Start sends the mapped values, an empty optional one left out', async () => {
	const schema = await startFields();
	const from = env.sim.graphqlLog().length;
	const [item] = outputOf(
		await runNode(
			env,
			{ ...start, arguments: mapped({ reportName: '={{ $json.report }}', filter: '' }, schema) },
			{ input: [{ report: 'customerList' }] },
		),
	);
	const job = env.sim.reports().jobs().at(-1)!;
	expect(item.json.trackingId).toBe(job.trackingId);
	expect(job.reportName).toBe('customerList');
	const [sent] = dataRequests(env, from);
	expect(sent.variables).toEqual({ reportName: 'customerList' });
});

test('a required argument left empty is refused before anything is sent, naming it', async () => {
	const schema = await startFields();
	const from = env.sim.graphqlLog().length;
	const error = errorOf(
		await runNode(env, { ...start, arguments: mapped({ reportName: null }, schema) }),
	);
	expect(error.message).toMatch(/reportName/);
	expect(dataRequests(env, from)).toEqual([]);
});

test('version 1 keeps its JSON Arguments', async () => {
	const from = env.sim.graphqlLog().length;
	outputOf(
		await runNode(
			env,
			{ ...start, arguments: '{ "reportName": "salesOrderList" }' },
			{ typeVersion: 1 },
		),
	);
	expect(env.sim.reports().jobs().at(-1)!.reportName).toBe('salesOrderList');
	expect(dataRequests(env, from)).toHaveLength(1);
});
