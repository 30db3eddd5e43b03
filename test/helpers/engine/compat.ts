/**
 * The places where n8n-core versions differ for the harness, each decided by looking at what
 * the loaded n8n-core offers (never by its version number), so one harness runs on 2.11 and on
 * the newest release (`npm run test:engine-next`).
 */
import { Container } from '@n8n/di';
import * as core from 'n8n-core';
import { Cipher, InstanceSettings, PollContext } from 'n8n-core';
// Not re-exported by n8n-core's index; the same module instances the engine uses.
import * as requestHelpers from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions';
import { TriggersAndPollers } from 'n8n-core/dist/execution-engine/triggers-and-pollers';
import type {
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	IPollFunctions,
	IWorkflowExecuteAdditionalData,
	JsonObject,
	Workflow,
	WorkflowActivateMode,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

/** The encryption key descriptor n8n 2.13+ uses while key rotation is off: the instance key, CBC, no key-id prefix. */
interface KeyInfo {
	id: string;
	value: string;
	algorithm: string;
	format: 'no-prefix';
}

interface KeyProxyLike {
	setProvider(provider: {
		getActiveKey(): Promise<KeyInfo>;
		getKeyById(id: string): Promise<KeyInfo | null>;
		getLegacyKey(): Promise<KeyInfo>;
	}): void;
}

interface CipherLike {
	encrypt?(data: string): string;
	decrypt?(data: string): string;
	encryptWithInstanceKey?(data: string): string;
	decryptWithInstanceKey?(data: string): string;
	encryptDEKWithInstanceKey?(data: string): string;
}

/**
 * n8n 2.13+ encrypts credentials through an `EncryptionKeyProxy` whose key provider the n8n
 * server installs at startup (EncryptionBootstrapService); without one every encryption throws.
 * Installs what that server installs when key rotation is off (KeyManagerService's
 * instanceKeyLegacyInfo). Nothing to do where the proxy does not exist (2.11).
 */
export function installEncryptionKeys(): void {
	const Proxy = (core as unknown as { EncryptionKeyProxy?: new () => KeyProxyLike })
		.EncryptionKeyProxy;
	if (!Proxy) return;
	const cipher = Container.get(Cipher) as unknown as CipherLike;
	const instanceKey = Container.get(InstanceSettings).encryptionKey;
	const key: KeyInfo = {
		id: 'instance-key',
		value: cipher.encryptDEKWithInstanceKey!(instanceKey),
		algorithm: 'aes-256-cbc',
		format: 'no-prefix',
	};
	Container.get(Proxy).setProvider({
		getActiveKey: async () => key,
		getKeyById: async () => null,
		getLegacyKey: async () => key,
	});
}

/**
 * Encrypts and decrypts credential data with n8n's instance key, synchronously, byte for byte
 * what `Credentials.setData` stores (2.11: `Cipher.encrypt`; 2.13+: the no-prefix CBC key above,
 * `encryptWithInstanceKey`). Credentials' own methods became async in 2.13; the harness keeps
 * its store synchronous so that `engine.getCredential()` stays a plain read.
 */
export function instanceCipher(): { encrypt(data: string): string; decrypt(data: string): string } {
	const cipher = Container.get(Cipher) as unknown as CipherLike;
	if (
		typeof cipher.encryptWithInstanceKey === 'function' &&
		typeof cipher.decryptWithInstanceKey === 'function'
	) {
		return {
			encrypt: (d) => cipher.encryptWithInstanceKey!(d),
			decrypt: (d) => cipher.decryptWithInstanceKey!(d),
		};
	}
	return { encrypt: (d) => cipher.encrypt!(d), decrypt: (d) => cipher.decrypt!(d) };
}

type RunPoll = (
	workflow: Workflow,
	node: INode,
	pollFunctions: IPollFunctions,
) => Promise<INodeExecutionData[][] | null>;

/** TriggersAndPollers' poll entry point: `runPoll` (2.11), `runPollFunction` (2.40+). */
export function pollRunner(): RunPoll {
	const service = Container.get(TriggersAndPollers) as unknown as {
		runPoll?: RunPoll;
		runPollFunction?: RunPoll;
	};
	const run = service.runPollFunction ?? service.runPoll;
	if (typeof run !== 'function')
		throw new Error('this n8n-core has neither TriggersAndPollers.runPollFunction nor runPoll');
	return run.bind(service);
}

export interface ScheduledPollContextArgs {
	workflow: Workflow;
	node: INode;
	additionalData: IWorkflowExecuteAdditionalData;
	activation: WorkflowActivateMode;
	emit: (data: INodeExecutionData[][]) => void;
	/** The poll's time budget; undefined: what the engine gives by itself (none before 2.40, 5 minutes from 2.40 on). */
	budgetMs?: number;
}

type PollContextConstructor = new (...args: unknown[]) => PollContext;

/**
 * The poll context of a scheduled poll. n8n 2.40+ takes the budget as the constructor's 11th
 * argument (its durable scheduler passes `() => pollBudgetMs`; undefined leaves the 5-minute
 * default), after __commitCursor, __runPoll and resolveNodeStaticData, left at their defaults
 * here. Older engines ignore the extra arguments and have no `getPollBudgetMs()`: a budget asked
 * for is then given the same way 2.40+ exposes it, so a node's budget handling is exercised on
 * every engine (`budgetIsNative` tells which case it was).
 */
export function scheduledPollContext(args: ScheduledPollContextArgs): {
	context: PollContext;
	budgetIsNative: boolean;
} {
	const budget = args.budgetMs === undefined ? undefined : () => args.budgetMs!;
	const context = new (PollContext as unknown as PollContextConstructor)(
		args.workflow,
		args.node,
		args.additionalData,
		'trigger',
		args.activation,
		args.emit,
		(error: Error) => {
			throw error;
		},
		undefined,
		undefined,
		undefined,
		budget,
	);
	const budgetIsNative =
		typeof (context as { getPollBudgetMs?: unknown }).getPollBudgetMs === 'function';
	if (budget && !budgetIsNative)
		Object.defineProperty(context, 'getPollBudgetMs', { value: budget });
	return { context, budgetIsNative };
}

interface IsolateHolder {
	acquireIsolate?(): Promise<boolean>;
	releaseIsolate?(): Promise<void>;
}

/**
 * Runs `fn` holding an expression isolate for the workflow, as n8n 2.13+ does around every
 * evaluation outside WorkflowExecute (poll ticks, credential resolution, credential tests);
 * WorkflowExecute takes its own. Older engines have no isolates: `fn` just runs.
 */
export async function withIsolate<T>(workflow: Workflow, fn: () => Promise<T>): Promise<T> {
	const expression = workflow.expression as unknown as IsolateHolder;
	if (typeof expression.acquireIsolate !== 'function') return await fn();
	const acquired = await expression.acquireIsolate();
	try {
		return await fn();
	} finally {
		// false: the caller already held one, and must not release it.
		if (acquired) await expression.releaseIsolate!();
	}
}

/**
 * One scheduled poll as n8n runs it: 2.40+'s PollTriggerExecutor (the poll inside the context's
 * `__runPoll` staging scope, holding an isolate, `__emit` for items, `__commitCursor` for none),
 * 2.11's ActiveWorkflows (runPoll, then `__emit`). The optional hooks are called only where they exist.
 */
export async function runScheduledPoll(
	workflow: Workflow,
	node: INode,
	context: IPollFunctions,
): Promise<INodeExecutionData[][] | null> {
	const hooks = context as unknown as {
		__runPoll?: <T>(poll: () => Promise<T>) => Promise<T>;
		__commitCursor?: () => Promise<void>;
	};
	const poll = async () =>
		await withIsolate(workflow, async () => {
			const response = await pollRunner()(workflow, node, context);
			if (response !== null) context.__emit(response);
			else await hooks.__commitCursor?.();
			return response;
		});
	return hooks.__runPoll ? await hooks.__runPoll(poll) : await poll();
}

/**
 * Whether n8n-workflow's execution errors keep an Error `cause`. 2.11 loses it (ExecutionBaseError
 * declares `cause` as a class field, which resets it after `super()`), so CredentialsTester never
 * sees `error.cause.response` and a credential's `test.rules` never apply; later versions keep it.
 */
export function executionErrorsKeepCause(): boolean {
	const node: INode = {
		id: 'probe',
		name: 'probe',
		type: 'probe',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	return new NodeApiError(node, new Error('probe') as unknown as JsonObject).cause instanceof Error;
}

type HttpRequest = (options: IHttpRequestOptions) => Promise<unknown>;

/**
 * n8n-core's own HTTP helper, what `this.helpers.httpRequest` of a node or of a preAuthentication
 * calls: a module function in 2.11; from 2.13 on only inside getRequestHelperFunctions (which
 * sends through @n8n/backend-network's OutboundHttp), so it is taken from there.
 */
export function n8nHttpRequest(): HttpRequest {
	const direct = (requestHelpers as unknown as { httpRequest?: HttpRequest }).httpRequest;
	if (typeof direct === 'function') return direct;
	const node: INode = {
		id: 'http',
		name: 'http',
		type: 'http',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const helpers = requestHelpers.getRequestHelperFunctions(
		{} as Workflow,
		node,
		{} as IWorkflowExecuteAdditionalData,
	);
	return async (options) => await helpers.httpRequest(options);
}
