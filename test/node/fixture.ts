import path from 'node:path';

import { LoadOptionsContext } from 'n8n-core';
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	INodeListSearchResult,
	INodeParameters,
	INodeType,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	ResourceMapperFields,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import {
	TestEngine,
	loadPackage,
	type LoadedPackage,
	type NodeSpec,
	type RunResult,
} from '../helpers/engine';
import { secretGuard } from '../setup/secret-guard';
import { startSimulator, type GraphqlLogEntry, type Simulator } from '../simulator';

export const SAGE_NODE = 'n8n-nodes-sage-erp.sageErp';
export const NODE_NAME = 'Sage';
const PACKAGE_DIR = path.resolve(__dirname, '..', '..');

type SimulatorOptions = Parameters<typeof startSimulator>[0];

export interface NodeEnv {
	sim: Simulator;
	pkg: LoadedPackage;
	engine: TestEngine;
}

/**
 * A simulator and an n8n engine with the built package (dist/) per test file; the
 * credential points at the simulator. Everything a run shows is handed to the secret guard.
 */
export function useNodeEnv(
	options: SimulatorOptions = {},
	load: { extraNodeTypes?: Record<string, INodeType> } = {},
): NodeEnv {
	const env = {} as NodeEnv;
	beforeAll(async () => {
		env.sim = await startSimulator(options);
		env.pkg = await loadPackage(PACKAGE_DIR, load);
		env.engine = new TestEngine(env.pkg, {
			credentials: {
				sageErpApi: {
					id: 'sage-cred-1',
					name: 'Sage ERP account',
					data: { tokenUrl: env.sim.tokenUrl, ...env.sim.client, requestFormat: 'json' },
				},
			},
		});
	});
	afterAll(async () => {
		const guard = secretGuard();
		guard.registerSecret(env.sim.client.clientSecret);
		for (const token of env.sim.issuedTokens()) guard.registerSecret(token);
		for (const line of env.engine?.logs ?? []) guard.observe(line, 'n8n log');
		await env.sim.stop();
	});
	return env;
}

export interface RunOptions {
	input?: IDataObject[];
	continueOnFail?: boolean;
	settings?: IWorkflowSettings;
	signal?: AbortSignal;
	/**
	 * The node's version. Not given: 1 for parameters written for version 1's writes (Data
	 * without Data Mode: the tests written before version 2 keep testing what a saved version-1
	 * workflow does), else the node's default (2).
	 */
	typeVersion?: number;
}

/** Runs the Sage ERP node once with these parameters; outputs and errors go to the secret guard. */
export async function runNode(
	env: NodeEnv,
	parameters: INodeParameters,
	options: RunOptions = {},
): Promise<RunResult> {
	const node: NodeSpec = {
		name: NODE_NAME,
		type: SAGE_NODE,
		parameters,
	};
	if (options.continueOnFail) node.onError = 'continueRegularOutput';
	const versionOneWrite = parameters.data !== undefined && parameters.dataMode === undefined;
	const typeVersion = options.typeVersion ?? (versionOneWrite ? 1 : undefined);
	if (typeVersion) node.typeVersion = typeVersion;
	const result = await env.engine.run({
		nodes: [node],
		input: options.input,
		settings: options.settings,
		signal: options.signal,
	});
	const guard = secretGuard();
	const task = result.runData[NODE_NAME]?.[0];
	guard.observe(task?.data ?? null, 'node output');
	if (task?.error) guard.observe(task.error, 'node error');
	if (result.error) guard.observe(result.error, 'execution error');
	guard.observe(result.hints(NODE_NAME), 'hints');
	return result;
}

/** The node's output items; fails the test with the node's error when it has none. */
export function outputOf(result: RunResult): INodeExecutionData[] {
	const error = result.nodeError(NODE_NAME);
	if (error && !result.runData[NODE_NAME]?.[0]?.data)
		throw new Error(`The node failed: ${error.message}\n${String(error.description ?? '')}`);
	return result.items(NODE_NAME);
}

/** The error the node stopped with. */
export function errorOf(result: RunResult) {
	const error = result.nodeError(NODE_NAME);
	if (!error) throw new Error('Expected the node to fail, but it succeeded');
	return error;
}

/**
 * Version 2's Filter and Sort in Sage Syntax: the text forms version 1 has (tests written for
 * the text run on the node's default version with these).
 */
export const SAGE_SYNTAX = { filterType: 'sage', sortType: 'sage' } as const;

/** `{ __rl, mode, value }`, as the editor saves a Record Type picked from the list. */
export function recordType(value: string): INodeParameters['recordType'] {
	return { __rl: true, mode: 'list', value };
}

/** A schema request: the node's targeted introspection (`SageErpSchema`), or a whole-schema one. */
export const isIntrospection = (entry: GraphqlLogEntry): boolean =>
	entry.operationName === 'SageErpSchema' ||
	entry.operationName === 'IntrospectionQuery' ||
	(typeof entry.query === 'string' &&
		(entry.query.includes('__schema') || entry.query.includes('__type(')));

/** The GraphQL requests since `from` that were not the schema request. */
export function dataRequests(env: NodeEnv, from = 0): GraphqlLogEntry[] {
	return env.sim
		.graphqlLog()
		.slice(from)
		.filter((entry) => !isIntrospection(entry));
}

/**
 * New customers' data, each with a natural key no other test uses: `<prefix>0001`, ... The
 * prefix keeps the keys of different test files apart in one simulator.
 */
export function customerFactory(
	prefix: string,
	label: string,
): (extra?: IDataObject) => IDataObject {
	let serial = 0;
	return (extra = {}) => {
		serial++;
		return {
			id: `${prefix}${String(serial).padStart(4, '0')}`,
			name: `${label} ${serial}`,
			currency: '#EUR',
			email: `${prefix.toLowerCase()}${serial}@example.com`,
			...extra,
		};
	};
}

/**
 * One Get before a file's tests: the token and the customer's schema are then cached, so
 * that the runs after it send only their own requests (what many tests count).
 */
export async function warmUp(env: NodeEnv): Promise<void> {
	await runNode(env, {
		resource: 'record',
		operation: 'get',
		recordType: recordType('xtremMasterData.customer'),
		id: '1',
		fields: '_id',
	});
}

/** The list searches of the Sage ERP node, by the parameter each fills. */
const LIST_SEARCHES = {
	searchRecordTypes: { parameter: 'recordType', resource: 'record', operation: 'getMany' },
	searchAsyncOperations: {
		parameter: 'asyncOperation',
		resource: 'asyncOperation',
		operation: 'startAndWait',
	},
} as const;

/**
 * What the editor asks the node's lists with (list searches, loadOptions, resource mappers):
 * n8n-core's own LoadOptionsContext, with the node's current parameters and the path of the
 * parameter being filled (the harness offers none, so it is built from its additional data).
 * `engine` gives another credential, e.g. a wrong secret.
 */
export function editorContext(
	env: NodeEnv,
	parameters: INodeParameters,
	parameterPath: string,
	{ engine = env.engine, typeVersion = 1 }: { engine?: TestEngine; typeVersion?: number } = {},
): LoadOptionsContext {
	const node: INode = {
		id: `editor-${parameterPath}`,
		name: NODE_NAME,
		type: SAGE_NODE,
		typeVersion,
		position: [0, 0],
		parameters,
		credentials: { sageErpApi: { id: 'sage-cred-1', name: 'Sage ERP account' } },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: env.pkg.nodeTypes,
	});
	const additionalData = (
		engine as unknown as { additionalData(o: object): IWorkflowExecuteAdditionalData }
	).additionalData({});
	additionalData.currentNodeParameters = parameters;
	return new LoadOptionsContext(workflow, node, additionalData, `parameters.${parameterPath}`);
}

/** One page of a list search of the node, as the editor asks for it. */
export async function listSearch(
	env: NodeEnv,
	method: keyof typeof LIST_SEARCHES,
	page: { filter?: string; paginationToken?: string; engine?: TestEngine } = {},
): Promise<INodeListSearchResult> {
	const { parameter, resource, operation } = LIST_SEARCHES[method];
	const context = editorContext(env, { resource, operation }, parameter, { engine: page.engine });
	const search = (env.pkg.getNodeType(SAGE_NODE) as INodeType).methods?.listSearch?.[method];
	if (!search) throw new Error(`${method} is missing`);
	return await search.call(context, page.filter, page.paginationToken);
}

/**
 * The field mapper's fields of a version-2 node with these parameters, as the editor loads
 * them through `methods.resourceMapping`.
 */
export async function mappingFields(
	env: NodeEnv,
	parameters: INodeParameters,
): Promise<ResourceMapperFields> {
	const context = editorContext(env, parameters, 'columns', { typeVersion: 2 });
	const method = (env.pkg.getNodeType(SAGE_NODE) as INodeType).methods?.resourceMapping
		?.getMappingFields;
	if (!method) throw new Error('getMappingFields is missing');
	return await method.call(context);
}
