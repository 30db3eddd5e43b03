/**
 * What the editor gets: the node's description as n8n loads it (the contract's names,
 * tool use, icon, codex), and the Record Type list searched from the tenant's schema.
 */
import type { INode, INodeProperties, INodeType } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { TestEngine } from '../helpers/engine';
import { withIsolate } from '../helpers/engine/compat';
import { SAGE_NODE, isIntrospection, listSearch, useNodeEnv } from './fixture';

const env = useNodeEnv({ seed: { customers: 5 } });

function description() {
	const found = env.pkg.nodeDescriptions.find((candidate) => candidate.name === SAGE_NODE);
	if (!found) throw new Error(`${SAGE_NODE} was not loaded`);
	return found;
}

/** Every [resource, operation] under which a parameter (or an option of `options`) is shown. */
function shownFor(name: string): string[] {
	const all = description().properties;
	const operations = (property: INodeProperties) => {
		const show = property.displayOptions?.show ?? {};
		return (show.resource as string[]).flatMap((resource) =>
			(show.operation as string[]).map((operation) => `${resource}:${operation}`),
		);
	};
	const [parent, child] = name.split('.');
	// A parameter defined once per node version (Fields, Arguments) counts once.
	const shown = all
		.filter(
			(property) =>
				property.name === parent &&
				(!child ||
					(property.options as INodeProperties[] | undefined)?.some(
						(option) => option.name === child,
					)),
		)
		.flatMap(operations);
	return [...new Set(shown)].sort();
}

test('the node loads as sageErp with the contract’s resources, operations and parameters', () => {
	const node = description();
	expect(node.displayName).toBe('Sage ERP');
	expect(node.usableAsTool).toBe(true);
	expect(node.credentials).toEqual([{ name: 'sageErpApi', required: true }]);
	expect(node.subtitle).toContain('$parameter["operation"]');
	const resource = node.properties.find((property) => property.name === 'resource');
	expect(resource?.options?.map((option) => (option as { value: string }).value)).toEqual([
		'record',
		'graphql',
		'asyncOperation',
	]);

	const record = [
		'record:aggregate',
		'record:create',
		'record:delete',
		'record:describe',
		'record:get',
		'record:getMany',
		'record:update',
		'record:updateMany',
		'record:upsert',
	];
	expect(shownFor('recordType')).toEqual(record);
	expect(shownFor('id')).toEqual(['record:delete', 'record:get', 'record:update']);
	expect(shownFor('fields')).toEqual([
		'record:create',
		'record:get',
		'record:getMany',
		'record:update',
		'record:upsert',
	]);
	// Version 1's text and version 2's Sage Syntax: one property each.
	expect([...new Set(shownFor('filter'))]).toEqual([
		'record:aggregate',
		'record:getMany',
		'record:updateMany',
	]);
	expect([...new Set(shownFor('orderBy'))]).toEqual(['record:getMany']);
	expect([...new Set(shownFor('conditions'))]).toEqual([
		'record:aggregate',
		'record:getMany',
		'record:updateMany',
	]);
	expect(shownFor('sort')).toEqual(['record:getMany']);
	expect(shownFor('returnAll')).toEqual(['graphql:query', 'record:getMany']);
	expect(shownFor('limit')).toEqual(['graphql:query', 'record:getMany']);
	expect(shownFor('data')).toEqual([
		'record:create',
		'record:update',
		'record:updateMany',
		'record:upsert',
	]);
	expect(shownFor('matchOn')).toEqual(['record:upsert']);
	expect(shownFor('groupBy')).toEqual(['record:aggregate']);
	expect(shownFor('groupByFields')).toEqual(['record:aggregate']);
	expect(shownFor('fieldList')).toEqual(shownFor('fields'));
	expect(shownFor('values')).toEqual(['record:aggregate']);
	expect(shownFor('asyncOperation')).toEqual([
		'asyncOperation:getStatus',
		'asyncOperation:start',
		'asyncOperation:startAndWait',
	]);
	expect(shownFor('arguments')).toEqual(['asyncOperation:start', 'asyncOperation:startAndWait']);
	expect(shownFor('trackingId')).toEqual(['asyncOperation:getStatus']);
	expect(shownFor('resultFields')).toEqual([
		'asyncOperation:getStatus',
		'asyncOperation:startAndWait',
	]);
	expect(shownFor('query')).toEqual(['graphql:mutation', 'graphql:query']);
	expect(shownFor('variables')).toEqual(['graphql:mutation', 'graphql:query']);
	expect(shownFor('operationName')).toEqual(['graphql:mutation', 'graphql:query']);
	expect(shownFor('output')).toEqual(['graphql:mutation', 'graphql:query']);
	expect(shownFor('splitPath')).toEqual(['graphql:mutation', 'graphql:query']);
	expect(shownFor('options.pageSize')).toEqual([
		'graphql:query',
		'record:aggregate',
		'record:getMany',
	]);
	expect(shownFor('options.batchSize')).toEqual([
		'graphql:mutation',
		'record:create',
		'record:delete',
		'record:update',
		'record:upsert',
	]);
	expect(shownFor('options.timeout')).toEqual(
		[
			...record,
			'asyncOperation:getStatus',
			'asyncOperation:start',
			'asyncOperation:startAndWait',
			'graphql:mutation',
			'graphql:query',
		].sort(),
	);
	expect(shownFor('options.customDataAsText')).toEqual([
		'record:create',
		'record:get',
		'record:getMany',
		'record:update',
		'record:upsert',
	]);
	expect(shownFor('options.decimalsAsText')).toEqual(['record:aggregate']);
	for (const option of ['pollInterval', 'timeLimit'])
		expect(shownFor(`options.${option}`)).toEqual(['asyncOperation:startAndWait']);
	for (const option of ['downloadFile', 'binaryPropertyName'])
		expect(shownFor(`options.${option}`)).toEqual([
			'asyncOperation:getStatus',
			'asyncOperation:startAndWait',
		]);
	expect(node.properties.find((property) => property.name === 'limit')?.default).toBe(50);

	const recordTypeParameter = node.properties.find((property) => property.name === 'recordType');
	expect(recordTypeParameter?.type).toBe('resourceLocator');
	expect(recordTypeParameter?.modes?.map((mode) => [mode.name, mode.type])).toEqual([
		['list', 'list'],
		['id', 'string'],
	]);
});

test('version 2 writes through the field mapper; Data, ID and Match On stay for version 1 and Data Mode JSON', () => {
	const node = description();
	expect(node.version).toEqual([1, 2]);
	expect(node.defaultVersion).toBe(2);
	const writing = ['record:create', 'record:update', 'record:updateMany', 'record:upsert'];
	for (const name of ['dataMode', 'references', 'columns', 'options.ignoreUnknownKeys'])
		expect({ name, shown: shownFor(name) }).toEqual({ name, shown: writing });
	const named = (name: string) => node.properties.filter((property) => property.name === name);
	for (const columns of named('columns')) {
		expect(columns.type).toBe('resourceMapper');
		expect(columns.displayOptions?.show).toMatchObject({ '@version': [2], dataMode: ['map'] });
		expect(columns.typeOptions?.resourceMapper?.resourceMapperMethod).toBe('getMappingFields');
	}
	const modes = (name: string) =>
		named(name).map((property) => {
			const { resource, operation, ...rest } = property.displayOptions?.show ?? {};
			void resource;
			return { operation, ...rest };
		});
	expect(modes('matchOn')).toEqual([
		{ operation: ['upsert'], '@version': [1] },
		{ operation: ['upsert'], '@version': [2], dataMode: ['json'] },
	]);
	expect(modes('id')).toContainEqual({
		operation: ['update'],
		'@version': [2],
		dataMode: ['json'],
	});
	expect(modes('data')).toHaveLength(8);
	const methods = (env.pkg.getNodeType(SAGE_NODE) as INodeType).methods;
	expect(typeof methods?.resourceMapping?.getMappingFields).toBe('function');
});

test("a new node picks its Record Type From List (n8n's guideline for a resource locator), in the node and the trigger", () => {
	for (const type of [SAGE_NODE, `${SAGE_NODE}Trigger`]) {
		const node = env.pkg.nodeDescriptions.find((candidate) => candidate.name === type);
		const recordTypes = node?.properties.filter((property) => property.name === 'recordType') ?? [];
		expect({ type, defaults: recordTypes.map((property) => property.default) }).toEqual({
			type,
			defaults: recordTypes.map(() => ({ mode: 'list', value: '' })),
		});
		expect(recordTypes.length).toBeGreaterThan(0);
		expect(recordTypes.every((property) => property.modes?.[0]?.name === 'list')).toBe(true);
	}
});

test('the codex gives categories and documentation', () => {
	const codex = description().codex;
	expect(codex?.categories).toEqual(expect.arrayContaining(['Finance & Accounting']));
	expect(codex?.resources?.primaryDocumentation?.[0]?.url).toMatch(/^https:\/\//);
});

test('the Record Type list comes from the schema, filtered by what the user types', async () => {
	env.sim.clearGraphqlLog();
	const all = await listSearch(env, 'searchRecordTypes');
	// One small request lists every object a package holds (record-type-index.ts), so the
	// report node of the asynchronous operations is listed too; using it says it is no record type.
	// As people say them, Sage's name beside, sorted by what is shown.
	expect(all.results.map((result) => result.name)).toEqual([
		'Business Entity (xtremMasterData.businessEntity)',
		'Country (xtremStructure.country)',
		'Currency (xtremMasterData.currency)',
		'Customer (xtremMasterData.customer)',
		'Item (xtremMasterData.item)',
		'Purchase Receipt (xtremPurchasing.purchaseReceipt)',
		'Report (xtremReporting.report)',
		'Sales Order (xtremSales.salesOrder)',
		'Sales Order Line (xtremSales.salesOrderLine)',
		'Site (xtremSystem.site)',
		'Unit Of Measure (xtremMasterData.unitOfMeasure)',
	]);
	const filtered = await listSearch(env, 'searchRecordTypes', { filter: 'ORDER' });
	expect(filtered.results).toEqual([
		{ name: 'Sales Order (xtremSales.salesOrder)', value: 'xtremSales.salesOrder' },
		{ name: 'Sales Order Line (xtremSales.salesOrderLine)', value: 'xtremSales.salesOrderLine' },
	]);
	// Found by either: the words people use, or Sage's name.
	for (const filter of ['sales order l', 'xtremSales.salesOrderL'])
		expect((await listSearch(env, 'searchRecordTypes', { filter })).results).toEqual([
			{ name: 'Sales Order Line (xtremSales.salesOrderLine)', value: 'xtremSales.salesOrderLine' },
		]);
	expect(env.sim.graphqlLog().filter(isIntrospection)).toHaveLength(1);
});

test('the Asynchronous Operation list comes from the schema: operations with start and track', async () => {
	expect((await listSearch(env, 'searchAsyncOperations')).results).toEqual([
		{
			name: 'Report: Generate Report Pdf (xtremReporting.report.generateReportPdf)',
			value: 'xtremReporting.report.generateReportPdf',
		},
	]);
	expect((await listSearch(env, 'searchAsyncOperations', { filter: 'invoice' })).results).toEqual(
		[],
	);
});

test('a list search that cannot reach Sage says which list and why, without the secret', async () => {
	const engine = new TestEngine(env.pkg, {
		credentials: {
			sageErpApi: {
				id: 'sage-cred-1',
				name: 'Sage ERP account',
				data: {
					tokenUrl: env.sim.tokenUrl,
					...env.sim.client,
					clientSecret: 'a-wrong-secret-for-the-list',
					requestFormat: 'json',
				},
			},
		},
	});
	const failure = await listSearch(env, 'searchRecordTypes', { engine }).then(
		() => undefined,
		(error: Error & { description?: string }) => error,
	);
	expect(failure?.constructor.name).toBe('NodeApiError');
	expect(failure?.message).toMatch(/^Could not list the record types: .*(secret|credential)/i);
	const shown = `${failure?.message} ${failure?.description}`;
	expect(shown).not.toContain(env.sim.client.clientSecret);
	expect(shown).not.toContain('a-wrong-secret-for-the-list');
});

test('the Record operations are listed alphabetically, upsert as "Create or Update"', () => {
	const operation = description().properties.find(
		(property) =>
			property.name === 'operation' && property.displayOptions?.show?.resource?.[0] === 'record',
	);
	const names = (operation?.options as Array<{ name: string; value: string }>).map((option) => [
		option.name,
		option.value,
	]);
	expect(names).toEqual([
		['Aggregate', 'aggregate'],
		['Create', 'create'],
		['Create or Update', 'upsert'],
		['Delete', 'delete'],
		['Describe', 'describe'],
		['Get', 'get'],
		['Get Many', 'getMany'],
		['Update', 'update'],
		['Update Many', 'updateMany'],
	]);
});

test('the subtitle shows the operation and the record type', async () => {
	const subtitle = String(description().subtitle);
	const show = async (parameters: INode['parameters']) => {
		const node: INode = {
			id: 'subtitle',
			name: 'Sage',
			type: SAGE_NODE,
			typeVersion: 1,
			position: [0, 0],
			parameters,
		};
		const workflow = new Workflow({
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: env.pkg.nodeTypes,
		});
		return await withIsolate(workflow, async () =>
			workflow.expression.getSimpleParameterValue(node, subtitle, 'internal', {}),
		);
	};
	expect(
		await show({
			resource: 'record',
			operation: 'getMany',
			recordType: { __rl: true, mode: 'list', value: 'xtremMasterData.customer' },
		}),
	).toBe('Get Many: xtremMasterData.customer');
	expect(
		await show({ resource: 'record', operation: 'delete', recordType: 'xtremSales.salesOrder' }),
	).toBe('Delete: xtremSales.salesOrder');
	expect(await show({ resource: 'graphql', operation: 'mutation' })).toBe('GraphQL Mutation');
	expect(
		await show({ resource: 'record', operation: 'upsert', recordType: 'xtremMasterData.customer' }),
	).toBe('Create or Update: xtremMasterData.customer');
	expect(
		await show({
			resource: 'asyncOperation',
			operation: 'startAndWait',
			asyncOperation: {
				__rl: true,
				mode: 'list',
				value: 'xtremReporting.report.generateReportPdf',
			},
		}),
	).toBe('Start and Wait: xtremReporting.report.generateReportPdf');
});
