/**
 * Proves the in-process engine harness (test/helpers/engine) against a throwaway community
 * package: n8n's loader, WorkflowExecute, credentials (preAuthentication + authenticate),
 * error handling, polling and the credential test, all with n8n-core's real code.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { INPUT_NODE_NAME, TestEngine, loadPackage } from './helpers/engine';
import { executionErrorsKeepCause } from './helpers/engine/compat';
import type { LoadedPackage } from './helpers/engine';
import { FIXTURE_PACKAGE_NAME, writeFixturePackage } from './helpers/engine/fixture-package';
import type { FixturePackage } from './helpers/engine/fixture-package';

const FIXTURE = `${FIXTURE_PACKAGE_NAME}.fixture`;
const FIXTURE_TRIGGER = `${FIXTURE_PACKAGE_NAME}.fixtureTrigger`;
const FIXTURE_FAIL = `${FIXTURE_PACKAGE_NAME}.fixtureFail`;
const GOOD_SECRET = 'good-secret-value';

interface GuardLike {
	registerSecret(value: string): void;
	observedCount(): number;
	check(): void;
}
const BAD_SECRET = 'bad-secret-value';

/** A tiny API on loopback: token endpoint, authenticated echo/ping/records. */
class FakeApi {
	tokenCalls = 0;
	validTokens = new Set<string>();
	records: Array<{ id: number; name: string }> = [
		{ id: 1, name: 'first' },
		{ id: 2, name: 'second' },
	];
	seenTokens: string[] = [];
	slowMs = 0;
	/** Slow /echo answers given so far: a run that timed out ends before any. */
	slowAnswered = 0;
	private readonly pending = new Set<NodeJS.Timeout>();
	private server!: Server;
	baseUrl = '';

	async start(): Promise<void> {
		this.server = createServer((req, res) => void this.handle(req, res));
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
	}

	async stop(): Promise<void> {
		for (const t of this.pending) clearTimeout(t);
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', this.baseUrl);
		const chunks: Buffer[] = [];
		for await (const c of req) chunks.push(c as Buffer);
		const send = (status: number, body: unknown) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		if (req.method === 'POST' && url.pathname === '/token') {
			this.tokenCalls++;
			const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { secret?: string };
			if (body.secret !== GOOD_SECRET) return send(401, { error: 'invalid client' });
			const token = `tok-${this.tokenCalls}`;
			this.validTokens.add(token);
			return send(200, { token });
		}
		const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
		this.seenTokens.push(token);
		if (!this.validTokens.has(token)) return send(401, { error: 'token expired' });
		const tenant = url.searchParams.get('tenant');
		if (url.pathname === '/echo') {
			if (this.slowMs) {
				await new Promise<void>((resolve) => {
					const t = setTimeout(() => {
						this.pending.delete(t);
						this.slowAnswered++;
						resolve();
					}, this.slowMs);
					this.pending.add(t);
				});
			}
			return send(200, {
				i: Number(url.searchParams.get('i')),
				label: url.searchParams.get('label'),
				tenant,
			});
		}
		if (url.pathname === '/ping') {
			if (tenant === 'forbidden') return send(403, { error: 'forbidden' });
			return send(200, { ok: true });
		}
		if (url.pathname === '/records') {
			const after = Number(url.searchParams.get('after') ?? 0);
			return send(200, { records: this.records.filter((r) => r.id > after) });
		}
		return send(404, { error: 'not found' });
	}
}

describe('in-process n8n engine harness', () => {
	let fixture: FixturePackage;
	let pkg: LoadedPackage;
	const api = new FakeApi();

	const credentialData = () => ({ baseUrl: api.baseUrl, clientSecret: GOOD_SECRET, tenant: 't1' });
	const newEngine = () =>
		new TestEngine(pkg, {
			credentials: {
				fixtureApi: { id: 'cred-1', name: 'Fixture account', data: credentialData() },
			},
		});

	beforeAll(async () => {
		fixture = writeFixturePackage();
		await api.start();
		pkg = await loadPackage(fixture.dir);
	});

	afterAll(async () => {
		await api.stop();
		fixture.remove();
	});

	beforeEach(() => {
		api.validTokens.clear();
		api.tokenCalls = 0;
		api.seenTokens = [];
		api.slowMs = 0;
	});

	test('loads the package with PackageDirectoryLoader under the community type prefix', () => {
		expect(pkg.packageName).toBe(FIXTURE_PACKAGE_NAME);
		expect(pkg.nodeTypeNames.sort()).toEqual([FIXTURE, FIXTURE_FAIL, FIXTURE_TRIGGER].sort());
		const fixtureDescription = pkg.nodeDescriptions.find((d) => d.name === FIXTURE)!;
		expect(fixtureDescription.codex).toMatchObject({ categories: ['Development'] });
		expect(fixtureDescription.iconUrl).toBe(
			`icons/${FIXTURE_PACKAGE_NAME}/dist/nodes/Fixture/fixture.svg`,
		);
		expect(fixtureDescription.communityNodePackageVersion).toBe('0.0.1');
		// The loader adds the polling schedule to polling nodes.
		const trigger = pkg.nodeDescriptions.find((d) => d.name === FIXTURE_TRIGGER)!;
		expect(trigger.properties.map((p) => p.name)).toContain('pollTimes');
		const credential = pkg.credentialDescriptions.find((c) => c.name === 'fixtureApi')!;
		expect(credential.supportedNodes?.sort()).toEqual([FIXTURE, FIXTURE_TRIGGER].sort());
		expect(pkg.nodeTypes.getByNameAndVersion(FIXTURE, 1).description.name).toBe('fixture');
		expect(() => pkg.nodeTypes.getByName('n8n-nodes-other.fixture')).toThrow(
			/Unrecognized node type/,
		);
	});

	test('runs input items through a node with credentials; pairedItem, hints and logs', async () => {
		const engine = newEngine();
		const result = await engine.run({
			nodes: [{ name: 'Fixture', type: FIXTURE, parameters: { label: '={{ $json.name }}' } }],
			input: [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
		});
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.executionOrder).toEqual([INPUT_NODE_NAME, 'Fixture']);
		const items = result.items('Fixture');
		expect(items.map((i) => i.json)).toEqual([
			{ name: 'a', response: { i: 0, label: 'a', tenant: 't1' } },
			{ name: 'b', response: { i: 1, label: 'b', tenant: 't1' } },
			{ name: 'c', response: { i: 2, label: 'c', tenant: 't1' } },
		]);
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.raw.data.resultData.runData.Fixture[0].source).toEqual([
			{ previousNode: INPUT_NODE_NAME, previousNodeOutput: 0, previousNodeRun: 0 },
		]);
		expect(result.hints('Fixture')).toEqual([
			{ message: 'Processed 3 item(s)', location: 'outputPane' },
		]);
		// this.logger (DI Logger) and LoggerProxy (WorkflowExecute) both land in engine.logs.
		expect(engine.logs).toContainEqual({
			level: 'info',
			message: 'Fixture processed items',
			meta: { count: 3 },
		});
		expect(
			engine.logs.some((l) => l.level === 'debug' && l.message === 'Workflow execution started'),
		).toBe(true);
		// The default typeVersion is the newest one.
		expect(result.raw.data.executionData?.nodeExecutionStack).toEqual([]);
	});

	test('preAuthentication runs once, is stored on the credential, and is reused across runs', async () => {
		const engine = newEngine();
		const first = await engine.run({
			nodes: [{ name: 'Fixture', type: FIXTURE, parameters: {} }],
			input: [{}, {}],
		});
		expect(first.error).toBeUndefined();
		expect(api.tokenCalls).toBe(1);
		expect(engine.getCredential('fixtureApi')).toMatchObject({
			...credentialData(),
			sessionToken: 'tok-1',
		});
		expect(engine.credentialUpdates.filter((u) => u.via === 'updateCredentials')).toHaveLength(1);

		const second = await engine.run({
			nodes: [{ name: 'Fixture', type: FIXTURE, parameters: {} }],
		});
		expect(second.error).toBeUndefined();
		expect(api.tokenCalls).toBe(1);
		expect(api.seenTokens).toEqual(['tok-1', 'tok-1', 'tok-1']);

		// A user edits the credential (no token stored): the next run authenticates again.
		engine.setCredential('fixtureApi', { ...credentialData(), tenant: 't2' });
		const third = await engine.run({ nodes: [{ name: 'Fixture', type: FIXTURE, parameters: {} }] });
		expect(third.items('Fixture')[0].json.response).toMatchObject({ tenant: 't2' });
		expect(api.tokenCalls).toBe(2);
	});

	test('a 401 marks the token expired: preAuthentication runs again and the request is retried', async () => {
		const engine = newEngine();
		await engine.run({ nodes: [{ name: 'Fixture', type: FIXTURE, parameters: {} }] });
		expect(api.tokenCalls).toBe(1);
		api.validTokens.clear(); // the API forgets the token

		const result = await engine.run({
			nodes: [{ name: 'Fixture', type: FIXTURE, parameters: {} }],
			input: [{}, {}],
		});
		expect(result.error).toBeUndefined();
		expect(result.items('Fixture')).toHaveLength(2);
		expect(api.tokenCalls).toBe(2);
		expect(api.seenTokens).toEqual(['tok-1', 'tok-1', 'tok-2', 'tok-2']);
		expect(engine.getCredential('fixtureApi')?.sessionToken).toBe('tok-2');
	});

	test('a failing preAuthentication fails the node with a NodeApiError and leaks no secret', async () => {
		const engine = newEngine();
		engine.setCredential('fixtureApi', { ...credentialData(), clientSecret: BAD_SECRET });
		const result = await engine.run({
			nodes: [{ name: 'Fixture', type: FIXTURE, parameters: {} }],
		});
		expect(result.status).toBe('error');
		// n8n-core wraps whatever preAuthentication throws in a NodeApiError, keeping its message.
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'The token endpoint refused the client secret',
		});
		expect(result.nodeError('Fixture')?.message).toBe(result.error?.message);
		expect(api.tokenCalls).toBe(1);
		expect(JSON.stringify(result.error)).not.toContain(BAD_SECRET);
		expect(JSON.stringify(engine.logs)).not.toContain(BAD_SECRET);
	});

	test('errors and continueOnFail behave like the real engine', async () => {
		const engine = newEngine();
		const input = [{}, { fail: 'operation' }, { fail: 'api' }, {}];

		const stopped = await engine.run({
			nodes: [{ name: 'Fail', type: FIXTURE_FAIL, parameters: {} }],
			input,
		});
		expect(stopped.status).toBe('error');
		expect(stopped.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'Bad input in item 1',
		});
		expect(stopped.error?.description).toBe('field "fail"');
		expect(stopped.nodeError('Fail')?.message).toBe('Bad input in item 1');
		expect(() => stopped.items('Fail')).toThrow(/failed/);

		for (const settings of [
			{ onError: 'continueRegularOutput' as const },
			{ continueOnFail: true },
		]) {
			const result = await engine.run({
				nodes: [{ name: 'Fail', type: FIXTURE_FAIL, parameters: {}, ...settings }],
				input,
			});
			expect(result.error).toBeUndefined();
			expect(result.items('Fail')).toEqual([
				{ json: { ok: 0 }, pairedItem: { item: 0 } },
				{ json: { error: 'Bad input in item 1' }, pairedItem: { item: 1 } },
				{ json: { error: 'Upstream refused item 2' }, pairedItem: { item: 2 } },
				{ json: { ok: 3 }, pairedItem: { item: 3 } },
			]);
		}

		// A node that throws as a whole: the engine records the error and passes its input on.
		const failing = {
			name: 'Fail',
			type: FIXTURE_FAIL,
			parameters: { failWholeNode: true },
			onError: 'continueRegularOutput' as const,
		};
		const whole = await engine.run({
			nodes: [failing, { name: 'After', type: FIXTURE_FAIL, parameters: {} }],
			input: [{ a: 1 }],
		});
		expect(whole.error).toBeUndefined();
		expect(whole.status).toBe('success');
		expect(whole.nodeError('Fail')).toMatchObject({
			message: 'The whole node failed',
			description: 'on purpose',
		});
		expect(whole.items('Fail').map((i) => i.json)).toEqual([{ a: 1 }]);
		expect(whole.items('After')).toEqual([{ json: { ok: 0 }, pairedItem: { item: 0 } }]);
		// n8n 2.11 quirk: when that node is the last one, the execution still ends as failed.
		const last = await engine.run({ nodes: [failing], input: [{ a: 1 }] });
		expect(last.status).toBe('error');
		expect(last.error?.message).toBe('The whole node failed');
		expect(last.items('Fail').map((i) => i.json)).toEqual([{ a: 1 }]);

		// An empty required parameter: n8n refuses to start the workflow.
		const issues = await engine.run({
			nodes: [{ name: 'Fail', type: FIXTURE_FAIL, parameters: { requiredThing: '' } }],
		});
		expect(issues.error?.name).toBe('WorkflowHasIssuesError');
		expect(issues.error?.description).toContain('requiredThing');
	});

	test('hands items, errors and log lines to the project secret guard when it is installed', async () => {
		const guard = (globalThis as unknown as Record<symbol, GuardLike | undefined>)[
			Symbol.for('n8n-nodes-sage-erp.secretGuard')
		];
		if (!guard) return; // running without test/setup/secret-guard.ts
		guard.registerSecret(GOOD_SECRET);
		guard.registerSecret(BAD_SECRET);
		const before = guard.observedCount();
		const engine = newEngine();
		await engine.run({ nodes: [{ name: 'Fixture', type: FIXTURE, parameters: {} }] });
		// At least: the output of Input and Fixture, the hints, and the node's log line.
		expect(guard.observedCount() - before).toBeGreaterThanOrEqual(4);
		expect(() => guard.check()).not.toThrow();
	});

	test('concurrent runs on two engines keep their results and log lines apart', async () => {
		const [a, b] = [newEngine(), newEngine()];
		const node = { name: 'Fixture', type: FIXTURE, parameters: {} };
		const results = await Promise.all([
			a.run({ nodes: [node], input: [{ n: 1 }] }),
			b.run({ nodes: [node], input: [{ n: 2 }, { n: 3 }] }),
			a.run({ nodes: [node], input: [{ n: 4 }, { n: 5 }, { n: 6 }] }),
		]);
		expect(results.map((r) => r.items('Fixture').length)).toEqual([1, 2, 3]);
		const counts = (e: TestEngine) =>
			e.logs
				.filter((l) => l.message === 'Fixture processed items')
				.map((l) => (l.meta as { count: number }).count);
		expect(counts(a).sort()).toEqual([1, 3]);
		expect(counts(b)).toEqual([2]);
	});

	test('a run can time out', async () => {
		const engine = newEngine();
		api.slowMs = 1500;
		const answeredBefore = api.slowAnswered;
		const result = await engine.run({
			nodes: [{ name: 'Fixture', type: FIXTURE, parameters: {} }],
			timeoutMs: 200,
		});
		// An order, not a duration: the run ended before the slow answer came (a 200 ms timer
		// always fires before a 1500 ms one set after it, however loaded the machine).
		expect(api.slowAnswered).toBe(answeredBefore);
		expect(result.status).toBe('canceled');
		expect(result.error?.name).toBe('TimeoutExecutionCancelledError');
	});

	test('poll (trigger mode) persists node static data between polls', async () => {
		const engine = newEngine();
		const staticData = {};
		const node = { name: 'Fixture Trigger', type: FIXTURE_TRIGGER, parameters: {} };

		const first = await engine.poll({ node, staticData });
		expect(first?.[0].map((i) => i.json)).toEqual([
			{ id: 1, name: 'first' },
			{ id: 2, name: 'second' },
		]);
		// The engine's own budget: none before n8n 2.40 (null here), PollContext's 5 minutes from 2.40 on.
		const ownBudget = (staticData as Record<string, { lastPoll: { budgetMs: unknown } }>)[
			'node:Fixture Trigger'
		].lastPoll.budgetMs;
		expect([null, 300_000]).toContain(ownBudget);
		expect(staticData).toEqual({
			'node:Fixture Trigger': {
				cursor: 2,
				lastPoll: { activation: 'activate', budgetMs: ownBudget },
			},
		});

		expect(await engine.poll({ node, staticData })).toBeNull();

		api.records.push({ id: 3, name: 'third' });
		// A budget as n8n's durable scheduler sets it reaches the node on every engine.
		const third = await engine.poll({ node, staticData, budgetMs: 36_000 });
		expect(third?.[0].map((i) => i.json)).toEqual([{ id: 3, name: 'third' }]);
		expect(staticData).toMatchObject({
			'node:Fixture Trigger': { cursor: 3, lastPoll: { budgetMs: 36_000 } },
		});
		expect(api.tokenCalls).toBe(1); // the trigger's credential went through preAuthentication once
	});

	test('poll (manual mode) is the "Fetch Test Event" run and does not save static data', async () => {
		const engine = newEngine();
		const staticData = { 'node:Fixture Trigger': { cursor: 1 } };
		const result = await engine.poll({
			node: { name: 'Fixture Trigger', type: FIXTURE_TRIGGER, parameters: {} },
			staticData,
			mode: 'manual',
		});
		expect(result?.[0].map((i) => i.json)).toEqual([api.records[api.records.length - 1]]);
		expect(staticData).toEqual({ 'node:Fixture Trigger': { cursor: 1 } });
	});

	test('credential test: OK, and Error as n8n reports it', async () => {
		const engine = newEngine();
		await expect(engine.testCredential('fixtureApi', credentialData())).resolves.toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		expect(api.tokenCalls).toBe(1); // the test ran preAuthentication (no token in the data)
		expect(engine.getCredential('fixtureApi')?.sessionToken).toBeUndefined(); // stored one untouched

		// n8n 2.11: the `test.rules` responseCode message is NOT shown. CredentialsTester looks for
		// `error.cause.response`, but n8n-workflow 2.11's ExecutionBaseError declares a `cause`
		// class field that resets the Error cause to undefined, so the NodeApiError's generic
		// message for the status code is what the user sees. Later versions keep the cause, and
		// the rule's message is shown.
		await expect(
			engine.testCredential('fixtureApi', { ...credentialData(), tenant: 'forbidden' }),
		).resolves.toEqual({
			status: 'Error',
			message: executionErrorsKeepCause()
				? 'This tenant is not allowed'
				: 'Forbidden - perhaps check your credentials?',
		});

		// What preAuthentication throws reaches the user as is.
		await expect(
			engine.testCredential('fixtureApi', { ...credentialData(), clientSecret: BAD_SECRET }),
		).resolves.toEqual({
			status: 'Error',
			message: 'The token endpoint refused the client secret',
		});

		// A stale token in the data: 401, then preAuthentication as "expired", then OK.
		api.tokenCalls = 0;
		await expect(
			engine.testCredential('fixtureApi', { ...credentialData(), sessionToken: 'stale' }),
		).resolves.toMatchObject({ status: 'OK' });
		expect(api.tokenCalls).toBe(1);
	});
});
