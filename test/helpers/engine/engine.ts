/**
 * TestEngine: runs workflows, polls and credential tests of a loaded community package with
 * n8n-core's real engine (WorkflowExecute, PollContext/TriggersAndPollers, RoutingNode),
 * inside the test process.
 */
import { randomUUID } from 'node:crypto';
import {
	CredentialTestContext,
	ExecuteContext,
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	RoutingNode,
	WorkflowExecute,
} from 'n8n-core';
import type {
	ExecutionError,
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunction,
	ICredentialTestRequestData,
	IConnections,
	IDataObject,
	IExecuteData,
	INode,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRun,
	IRunData,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	NodeExecutionHint,
	TriggerTime,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	ApplicationError,
	ManualExecutionCancelledError,
	NodeHelpers,
	TimeoutExecutionCancelledError,
	UserError,
	VersionedNodeType,
	Workflow,
	createEmptyRunExecutionData,
	createRunExecutionData,
	deepCopy,
	toCronExpression,
} from 'n8n-workflow';

import { runScheduledPoll, scheduledPollContext, withIsolate } from './compat';
import { CredentialStore, HarnessCredentialsHelper } from './credentials';
import type { CredentialUpdate } from './credentials';
import { ensureEnvironment } from './environment';
import { observeForSecrets } from './guard';
import type { LoadedPackage } from './load-package';
import { NOOP_NODE_TYPE } from './load-package';
import { registerSink, withLogSink } from './logger';
import type { LogLine } from './logger';

/** Name of the implicit source node that emits `input` into the first node. */
export const INPUT_NODE_NAME = 'Input';

export type NodeSpec = Partial<INode> & { name: string; type: string; parameters: INodeParameters };

export interface StoredCredentialSpec {
	id: string;
	name: string;
	data: ICredentialDataDecryptedObject;
}

export interface TestEngineOptions {
	/** One stored credential per credential type, like credentials saved in n8n. */
	credentials?: Record<string, StoredCredentialSpec>;
}

export interface RunArgs {
	nodes: NodeSpec[];
	/** json of the items the implicit "Input" node emits; default one empty item (like a Manual Trigger). */
	input?: IDataObject[];
	/** Defaults to a straight chain Input → nodes[0] → nodes[1] → …; if given, Input → nodes[0] is added. */
	connections?: IConnections;
	/** Workflow static data; written back (JSON round trip) after non-manual runs, as n8n saves it. */
	staticData?: IDataObject;
	timeoutMs?: number;
	signal?: AbortSignal;
	/** Execution mode; default 'manual' (the editor's "Execute workflow"). */
	mode?: WorkflowExecuteMode;
	/** Workflow settings; default `{ executionOrder: 'v1' }` like a new n8n workflow. */
	settings?: IWorkflowSettings;
}

export interface PollArgs {
	node: NodeSpec;
	staticData: IDataObject;
	/** 'trigger': a scheduled poll of an active workflow; 'manual': the editor's "Fetch Test Event". */
	mode?: 'trigger' | 'manual';
	/** Activation mode the poll context reports (`this.getActivationMode()`); default 'activate'. */
	activation?: WorkflowActivateMode;
	/**
	 * The poll's time budget (`this.getPollBudgetMs()`), as n8n 2.40+'s durable scheduler gives it;
	 * default: the engine's own (none before 2.40, 5 minutes from 2.40 on). Scheduled polls only.
	 */
	budgetMs?: number;
}

export type HarnessError = Error & {
	description?: string | null;
	node?: unknown;
	[key: string]: unknown;
};

export interface RunResult {
	/** Output items of that node's first run (output 0 by default); [] if the node did not run. */
	items(nodeName: string, outputIndex?: number): INodeExecutionData[];
	/** The execution error if the run failed. */
	error?: HarnessError;
	/** The error recorded on that node's first run (also set when the node continued on fail). */
	nodeError(nodeName: string): HarnessError | undefined;
	/** Execution hints (`this.addExecutionHints`) of the node's first run: n8n stores them in `runData[node][0].hints`. */
	hints(nodeName: string): NodeExecutionHint[];
	/** Node names in the order they finished (nodeExecuteAfter hook), including "Input". */
	executionOrder: string[];
	status: IRun['status'];
	runData: IRunData;
	raw: IRun;
}

/** n8n keeps errors in run data as plain copies (`{ ...error, message, stack }`); give them back an Error shape. */
export function toError(e: unknown): HarnessError | undefined {
	if (e === undefined || e === null) return undefined;
	if (e instanceof Error) return e as HarnessError;
	const plain = e as Record<string, unknown>;
	const err = new Error(String(plain.message ?? 'Unknown error')) as HarnessError;
	for (const [k, v] of Object.entries(plain)) {
		if (k === 'message') continue;
		Object.defineProperty(err, k, {
			value: v,
			enumerable: true,
			writable: true,
			configurable: true,
		});
	}
	return err;
}

class HarnessRunResult implements RunResult {
	readonly runData: IRunData;

	constructor(
		readonly raw: IRun,
		readonly executionOrder: string[],
	) {
		this.runData = raw.data.resultData.runData;
	}

	get status() {
		return this.raw.status;
	}

	get error(): HarnessError | undefined {
		return toError(this.raw.data.resultData.error);
	}

	items(nodeName: string, outputIndex = 0): INodeExecutionData[] {
		const task = this.runData[nodeName]?.[0];
		if (!task) return [];
		if (task.error && !task.data) {
			throw new Error(`Node "${nodeName}" failed, it has no output: ${task.error.message}`);
		}
		return task.data?.main?.[outputIndex] ?? [];
	}

	nodeError(nodeName: string): HarnessError | undefined {
		return toError(this.runData[nodeName]?.[0]?.error);
	}

	hints(nodeName: string): NodeExecutionHint[] {
		return this.runData[nodeName]?.[0]?.hints ?? [];
	}
}

let executionCounter = 0;

/** Everything of a run a user sees in the editor: items, errors, hints. */
function observeRun(raw: IRun): void {
	const { runData, error } = raw.data.resultData;
	if (error) observeForSecrets(toError(error), 'execution error');
	for (const [nodeName, tasks] of Object.entries(runData)) {
		for (const task of tasks) {
			if (task.data) observeForSecrets(task.data, `output of "${nodeName}"`);
			if (task.error) observeForSecrets(toError(task.error), `error of "${nodeName}"`);
			if (task.hints?.length) observeForSecrets(task.hints, `hints of "${nodeName}"`);
		}
	}
}

function replaceContents(target: IDataObject, source: IDataObject): void {
	for (const key of Object.keys(target)) delete target[key];
	Object.assign(target, JSON.parse(JSON.stringify(source)) as IDataObject);
}

function defaultTypeVersion(type: INodeType | IVersionedNodeType): number {
	if (type instanceof VersionedNodeType || 'nodeVersions' in type) {
		const v = type as IVersionedNodeType;
		return v.description.defaultVersion ?? v.currentVersion;
	}
	const d = (type as INodeType).description;
	if (d.defaultVersion !== undefined) return d.defaultVersion;
	return Array.isArray(d.version) ? Math.max(...d.version) : d.version;
}

export class TestEngine {
	/** Every log line n8n emitted (LoggerProxy and the DI Logger) during this engine's runs. */
	readonly logs: LogLine[] = [];

	private readonly store = new CredentialStore();

	private readonly credentialsHelper: HarnessCredentialsHelper;

	constructor(
		readonly pkg: LoadedPackage,
		options: TestEngineOptions = {},
	) {
		ensureEnvironment();
		registerSink(this.logs);
		this.credentialsHelper = new HarnessCredentialsHelper(
			pkg.credentialTypes,
			pkg.nodeTypes,
			this.store,
		);
		for (const [type, spec] of Object.entries(options.credentials ?? {})) {
			this.store.put(type, spec.data, spec.id, spec.name);
		}
	}

	/** Edit (or create) the stored credential of a type, like a user saving it in the UI. */
	setCredential(type: string, data: ICredentialDataDecryptedObject, id?: string): void {
		this.pkg.credentialTypes.getByName(type); // throws for an unknown type
		const existing = this.store.findByType(type);
		if (existing && id && existing.id !== id) this.store.delete(existing.id);
		const name =
			existing?.name ?? `${this.pkg.credentialTypes.getByName(type).displayName} account`;
		this.store.put(type, data, id ?? existing?.id ?? `cred-${type}`, name);
	}

	/** The stored (raw, decrypted) data of the credential of a type, including what preAuthentication wrote. */
	getCredential(type: string): ICredentialDataDecryptedObject | undefined {
		const stored = this.store.findByType(type);
		return stored ? this.store.decrypt(stored) : undefined;
	}

	/** Every write to stored credentials (`via: 'updateCredentials'` is a preAuthentication write-back). */
	get credentialUpdates(): CredentialUpdate[] {
		return this.store.updates;
	}

	// ---------------------------------------------------------------- workflows

	async run(args: RunArgs): Promise<RunResult> {
		ensureEnvironment();
		const mode = args.mode ?? 'manual';
		const nodes = args.nodes.map((spec, i) => this.fillNode(spec, i));
		if (nodes.some((n) => n.name === INPUT_NODE_NAME)) {
			throw new Error(
				`"${INPUT_NODE_NAME}" is the harness's source node; name your node differently`,
			);
		}
		const inputNode: INode = {
			id: randomUUID(),
			name: INPUT_NODE_NAME,
			type: NOOP_NODE_TYPE,
			typeVersion: 1,
			position: [-220, 0],
			parameters: {},
		};
		const items: INodeExecutionData[] = (args.input ?? [{}]).map((json) => ({
			json: deepCopy(json),
		}));
		const { raw, order } = await this.execute({
			nodes: [inputNode, ...nodes],
			connections: this.buildConnections(nodes, args.connections),
			startNode: inputNode,
			startItems: items,
			mode,
			staticData: args.staticData,
			timeoutMs: args.timeoutMs,
			signal: args.signal,
			settings: args.settings,
		});
		observeRun(raw);
		return new HarnessRunResult(raw, order);
	}

	// ---------------------------------------------------------------- polling

	async poll(args: PollArgs): Promise<INodeExecutionData[][] | null> {
		ensureEnvironment();
		const mode = args.mode ?? 'trigger';
		const node = this.fillNode(args.node, 0);
		const nodeType = this.pkg.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		if (!nodeType.poll) {
			throw new ApplicationError('Node type does not have a poll function defined', {
				extra: { nodeName: node.name },
				tags: { nodeType: node.type },
			});
		}

		if (mode === 'manual') {
			// The editor runs the workflow in manual mode from the trigger; WorkflowExecute calls
			// poll() with a PollContext(mode 'manual', activation 'manual'). n8n does not save
			// static data changed by manual executions.
			const { raw } = await this.execute({
				nodes: [node],
				connections: {},
				startNode: node,
				startItems: [{ json: {} }],
				mode: 'manual',
				staticData: args.staticData,
			});
			observeRun(raw);
			const error = toError(raw.data.resultData.error);
			if (error) throw error;
			const task = raw.data.resultData.runData[node.name]?.[0];
			return (task?.data?.main as INodeExecutionData[][] | undefined) ?? null;
		}

		return await this.scheduledPoll(node, args);
	}

	/**
	 * A scheduled poll of an active workflow (2.11: ActiveWorkflows.createPollExecuteFn; 2.40+:
	 * PollTriggerExecutor): the same Workflow (and its static data) lives in memory between polls.
	 */
	private async scheduledPoll(node: INode, args: PollArgs): Promise<INodeExecutionData[][] | null> {
		return await withLogSink(this.logs, async () => {
			const workflow = new Workflow({
				id: 'engine-harness-workflow',
				name: 'Engine harness workflow',
				nodes: [node],
				connections: {},
				active: true,
				nodeTypes: this.pkg.nodeTypes,
				staticData: JSON.parse(JSON.stringify(args.staticData)) as IDataObject,
				settings: { executionOrder: 'v1' },
			});
			let emitted: INodeExecutionData[][] | undefined;
			const { context: pollFunctions } = scheduledPollContext({
				workflow,
				node,
				additionalData: this.additionalData({}),
				activation: args.activation ?? 'activate',
				emit: (data) => {
					emitted = data;
				},
				budgetMs: args.budgetMs,
			});
			// What ActiveWorkflows.activatePolling validates before registering the crons.
			const pollTimes = pollFunctions.getNodeParameter('pollTimes') as { item?: TriggerTime[] };
			for (const expression of (pollTimes.item ?? []).map(toCronExpression)) {
				if (expression.split(' ').at(0)?.includes('*')) {
					throw new UserError('The polling interval is too short. It has to be at least a minute.');
				}
			}
			try {
				const response = await runScheduledPoll(workflow, node, pollFunctions);
				observeForSecrets(response, `poll output of "${node.name}"`);
				return emitted ?? response;
			} catch (error) {
				observeForSecrets(error, `poll error of "${node.name}"`);
				throw error;
			} finally {
				if (workflow.staticData.__dataChanged === true)
					replaceContents(args.staticData, workflow.staticData);
			}
		});
	}

	// ---------------------------------------------------------------- credential test

	/** The editor's credential "Test" button (n8n's CredentialsTester). Does not touch the stored credential. */
	async testCredential(
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<{ status: 'OK' | 'Error'; message: string }> {
		ensureEnvironment();
		const result = await this.runCredentialTest(type, data);
		observeForSecrets(result, `credential test of "${type}"`);
		return result;
	}

	private async runCredentialTest(
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<{ status: 'OK' | 'Error'; message: string }> {
		return await withLogSink(this.logs, async () => {
			const credentialType = this.pkg.credentialTypes.getByName(type);
			const testFunction = this.getCredentialTestFunction(type);
			if (testFunction === undefined) {
				return { status: 'Error', message: 'No testing function found for this credential.' };
			}
			// The test runs against a scratch copy: preAuthentication output is written there.
			const scratch = new CredentialStore();
			const helper = new HarnessCredentialsHelper(
				this.pkg.credentialTypes,
				this.pkg.nodeTypes,
				scratch,
			);
			const id = `credential-test-${++executionCounter}`;
			const name = `${credentialType.displayName} (test)`;
			scratch.put(type, data, id, name);
			const credentialsDecrypted: ICredentialsDecrypted = { id, name, type, data: deepCopy(data) };
			const additionalData = this.additionalData({ credentialsHelper: helper });
			try {
				credentialsDecrypted.data = await helper.applyDefaultsAndOverwrites(
					additionalData,
					credentialsDecrypted.data!,
					type,
					'internal',
				);
			} catch (error) {
				return { status: 'Error', message: String((error as Error).message) };
			}

			if (typeof testFunction === 'function') {
				const context = new CredentialTestContext();
				return (await testFunction.call(
					context,
					credentialsDecrypted,
				)) as INodeCredentialTestResult;
			}

			const nodeType =
				testFunction.nodeType ?? this.pkg.nodeTypes.getByNameAndVersion(NOOP_NODE_TYPE);
			const node: INode = {
				id: 'temp',
				parameters: {},
				name: 'Temp-Node',
				type: nodeType.description.name,
				typeVersion: Array.isArray(nodeType.description.version)
					? nodeType.description.version.slice(-1)[0]
					: nodeType.description.version,
				position: [0, 0],
				credentials: { [type]: { id, name } },
			};
			const nodeTypeCopy: INodeType = {
				description: {
					...nodeType.description,
					credentials: [{ name: type, required: true }],
					properties: [
						{
							displayName: 'Temp',
							name: 'temp',
							type: 'string',
							routing: { request: testFunction.testRequest.request },
							default: '',
						},
					],
				},
			};
			const mockNodeTypes: INodeTypes = {
				getByName: (t) =>
					t === nodeTypeCopy.description.name ? nodeTypeCopy : this.pkg.nodeTypes.getByName(t),
				getByNameAndVersion: (t, v) =>
					t === nodeTypeCopy.description.name
						? nodeTypeCopy
						: this.pkg.nodeTypes.getByNameAndVersion(t, v),
				getKnownTypes: () => ({}),
			};
			const workflow = new Workflow({
				nodes: [node],
				connections: {},
				active: false,
				nodeTypes: mockNodeTypes,
			});
			const executeData: IExecuteData = { node, data: {}, source: null };
			const context = new ExecuteContext(
				workflow,
				node,
				additionalData,
				'internal',
				createEmptyRunExecutionData(),
				0,
				[],
				{ main: [[{ json: {} }]] },
				executeData,
				[],
			);
			const routingNode = new RoutingNode(context, nodeTypeCopy, credentialsDecrypted);
			let response: INodeExecutionData[][] | null | undefined;
			try {
				response = (await withIsolate(workflow, async () => await routingNode.runNode())) as
					INodeExecutionData[][] | null | undefined;
			} catch (e) {
				const error = e as Error & {
					cause?: { response?: { status: number; statusText?: string }; code?: string };
				};
				if (error.cause?.response) {
					const { status, statusText } = error.cause.response;
					for (const rule of testFunction.testRequest.rules ?? []) {
						if (rule.type === 'responseCode' && status === rule.properties.value) {
							return { status: 'Error', message: rule.properties.message };
						}
					}
					if (status < 199 || status > 299) {
						return {
							status: 'Error',
							message: statusText || `Received HTTP status code: ${status}`,
						};
					}
				} else if (error.cause?.code) {
					return { status: 'Error', message: error.cause.code };
				}
				return { status: 'Error', message: String(error.message) };
			}
			for (const rule of testFunction.testRequest.rules ?? []) {
				if (rule.type === 'responseSuccessBody') {
					const body = response?.[0]?.[0]?.json as IDataObject | undefined;
					const value = rule.properties.key
						.split('.')
						.reduce<unknown>((o, k) => (o as IDataObject | undefined)?.[k], body);
					if (value === rule.properties.value)
						return { status: 'Error', message: rule.properties.message };
				}
			}
			return { status: 'OK', message: 'Connection successful!' };
		});
	}

	private getCredentialTestFunction(
		type: string,
	): ICredentialTestFunction | ICredentialTestRequestData | undefined {
		const credentialType = this.pkg.credentialTypes.getByName(type);
		if (credentialType.test) return { testRequest: credentialType.test };
		const isOAuth2 =
			type === 'oAuth2Api' || this.pkg.credentialTypes.getParentTypes(type).includes('oAuth2Api');
		for (const nodeName of this.pkg.credentialTypes.getSupportedNodes(type)) {
			const node = this.pkg.nodeTypes.getByName(nodeName);
			const versions: INodeType[] =
				node instanceof VersionedNodeType ? Object.values(node.nodeVersions) : [node as INodeType];
			for (const nodeType of versions) {
				for (const { name, testedBy } of nodeType.description.credentials ?? []) {
					if (name !== type) continue;
					if (isOAuth2) {
						return async function oauth2CredTest(_this: unknown, cred: ICredentialsDecrypted) {
							const token = cred.data?.oauthTokenData as IDataObject | undefined;
							return token && typeof token === 'object' && 'access_token' in token
								? { status: 'OK', message: 'Connection Successful!' }
								: { status: 'Error', message: 'Connection Failed!' };
						} as unknown as ICredentialTestFunction;
					}
					if (!testedBy) continue;
					if (typeof testedBy === 'string') {
						return nodeType.methods?.credentialTest?.[testedBy];
					}
					return { nodeType, testRequest: testedBy };
				}
			}
		}
		return undefined;
	}

	// ---------------------------------------------------------------- internals

	private fillNode(spec: NodeSpec, index: number): INode {
		const type = this.pkg.nodeTypes.getByName(spec.type);
		const typeVersion = spec.typeVersion ?? defaultTypeVersion(type);
		const description = NodeHelpers.getVersionedNodeType(type, typeVersion).description;
		const credentials = { ...(spec.credentials ?? {}) };
		if (!spec.credentials) {
			for (const { name } of description.credentials ?? []) {
				const stored = this.store.findByType(name);
				if (stored) credentials[name] = { id: stored.id, name: stored.name };
			}
		}
		const node: INode = {
			id: randomUUID(),
			position: [index * 220, 0],
			...spec,
			typeVersion,
			parameters: deepCopy(spec.parameters),
		};
		if (Object.keys(credentials).length > 0) node.credentials = credentials;
		return node;
	}

	private buildConnections(nodes: INode[], given?: IConnections): IConnections {
		const connections: IConnections = given ? deepCopy(given) : {};
		if (nodes.length === 0) return connections;
		if (!connections[INPUT_NODE_NAME]) {
			connections[INPUT_NODE_NAME] = { main: [[{ node: nodes[0].name, type: 'main', index: 0 }]] };
		}
		if (!given) {
			for (let i = 0; i < nodes.length - 1; i++) {
				connections[nodes[i].name] = {
					main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]],
				};
			}
		}
		return connections;
	}

	private additionalData(o: {
		executionId?: string;
		hooks?: ExecutionLifecycleHooks;
		credentialsHelper?: HarnessCredentialsHelper;
	}): IWorkflowExecuteAdditionalData {
		const base = 'http://localhost:5678';
		const unsupported = (what: string) => async () => {
			throw new ApplicationError(`${what} is not supported by the in-process engine harness`);
		};
		return {
			credentialsHelper: o.credentialsHelper ?? this.credentialsHelper,
			hooks: o.hooks,
			executionId: o.executionId,
			currentNodeExecutionIndex: 0,
			restApiUrl: `${base}/rest`,
			instanceBaseUrl: `${base}/`,
			formWaitingBaseUrl: `${base}/form-waiting`,
			webhookBaseUrl: `${base}/webhook`,
			webhookWaitingBaseUrl: `${base}/webhook-waiting`,
			webhookTestBaseUrl: `${base}/webhook-test`,
			currentNodeParameters: undefined,
			userId: 'engine-harness-user',
			variables: {},
			externalSecretsProxy: new ExternalSecretsProxy(),
			executeWorkflow: unsupported('Executing a sub-workflow'),
			getRunExecutionData: async () => undefined,
			logAiEvent: () => {},
			startRunnerTask: unsupported(
				'The task runner (Code node)',
			) as IWorkflowExecuteAdditionalData['startRunnerTask'],
			setExecutionStatus: () => {},
			sendDataToUI: () => {},
		};
	}

	private async execute(o: {
		nodes: INode[];
		connections: IConnections;
		startNode: INode;
		startItems: INodeExecutionData[];
		mode: WorkflowExecuteMode;
		staticData?: IDataObject;
		timeoutMs?: number;
		signal?: AbortSignal;
		settings?: IWorkflowSettings;
	}): Promise<{ raw: IRun; order: string[] }> {
		const executionId = String(++executionCounter);
		const settings: IWorkflowSettings = { executionOrder: 'v1', ...o.settings };
		const staticData = o.staticData
			? (JSON.parse(JSON.stringify(o.staticData)) as IDataObject)
			: {};
		const workflow = new Workflow({
			id: 'engine-harness-workflow',
			name: 'Engine harness workflow',
			nodes: o.nodes,
			connections: o.connections,
			active: o.mode !== 'manual',
			nodeTypes: this.pkg.nodeTypes,
			staticData,
			settings,
		});
		const now = new Date();
		const workflowData: IWorkflowBase = {
			id: workflow.id,
			name: workflow.name ?? '',
			active: workflow.active,
			isArchived: false,
			activeVersionId: null,
			createdAt: now,
			updatedAt: now,
			nodes: o.nodes,
			connections: o.connections,
			settings,
			staticData,
		};
		const hooks = new ExecutionLifecycleHooks(o.mode, executionId, workflowData);
		const order: string[] = [];
		hooks.addHandler('nodeExecuteAfter', (nodeName) => {
			order.push(nodeName);
		});
		// n8n-workflow's createDeferredPromise is gone from 2.13 on; a plain promise does the same.
		let finished!: (outcome: { run: IRun; newStaticData?: IDataObject }) => void;
		const done = {
			promise: new Promise<{ run: IRun; newStaticData?: IDataObject }>(
				(resolve) => (finished = resolve),
			),
		};
		hooks.addHandler('workflowExecuteAfter', (run, newStaticData) => {
			finished({ run, newStaticData });
		});
		const additionalData = this.additionalData({ executionId, hooks });
		if (o.timeoutMs !== undefined)
			additionalData.executionTimeoutTimestamp = Date.now() + o.timeoutMs;
		const runExecutionData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [{ node: o.startNode, data: { main: [o.startItems] }, source: null }],
			},
		});

		return await withLogSink(this.logs, async () => {
			const workflowExecute = new WorkflowExecute(additionalData, o.mode, runExecutionData);
			let execution: ReturnType<WorkflowExecute['processRunExecutionData']>;
			try {
				execution = workflowExecute.processRunExecutionData(workflow);
			} catch (error) {
				// e.g. WorkflowHasIssuesError (a required parameter is empty): n8n refuses to start.
				const issues = workflowExecute.checkReadyForExecution(workflow, {
					startNode: o.startNode.name,
				});
				const e = error as Error;
				runExecutionData.resultData.error = {
					...e,
					name: e.name,
					message: e.message,
					stack: e.stack,
					...(issues ? { description: JSON.stringify(issues) } : {}),
				} as unknown as ExecutionError;
				return {
					raw: {
						data: runExecutionData,
						mode: o.mode,
						startedAt: now,
						stoppedAt: new Date(),
						status: 'error',
					} as IRun,
					order,
				};
			}

			let cancelReason: Error | undefined;
			const cancel = (reason: Error) => {
				if (cancelReason) return;
				cancelReason = reason;
				execution.cancel();
			};
			const timer =
				o.timeoutMs !== undefined
					? setTimeout(() => cancel(new TimeoutExecutionCancelledError(executionId)), o.timeoutMs)
					: undefined;
			const onAbort = () => cancel(new ManualExecutionCancelledError(executionId));
			o.signal?.addEventListener('abort', onAbort, { once: true });
			if (o.signal?.aborted) onAbort();
			let outcome: { run: IRun; newStaticData?: IDataObject };
			try {
				outcome = await Promise.race([done.promise, execution.then((run) => ({ run }))]);
			} finally {
				if (timer) clearTimeout(timer);
				o.signal?.removeEventListener('abort', onAbort);
			}
			const raw = outcome.run;
			if (cancelReason && !raw.data.resultData.error) {
				raw.data.resultData.error = {
					...cancelReason,
					name: cancelReason.name,
					message: cancelReason.message,
					stack: cancelReason.stack,
				} as unknown as ExecutionError;
			}
			// n8n saves changed static data after every execution except manual ones.
			if (o.staticData && o.mode !== 'manual' && workflow.staticData.__dataChanged === true) {
				replaceContents(o.staticData, workflow.staticData);
			}
			return { raw, order };
		});
	}
}
