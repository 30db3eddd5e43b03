/**
 * `npm start` keeps the user's work: its n8n user folder survives a restart, with a workflow
 * the user made through n8n's REST API (as the editor does) and an example the user edited;
 * an example changed in the repository is imported again only where the user left it alone;
 * `--fresh` starts clean. Runs scripts/start.js itself, three times, on a folder of its own.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import {
	assertBuilt,
	describeE2e,
	examplesLib,
	n8nLib,
	observe,
	processes,
	PROVISION_TIMEOUT,
	N8nProcess,
} from './harness';
import { secretGuard } from '../setup/secret-guard';

const START_SCRIPT = path.join(n8nLib.REPO_ROOT as string, 'scripts', 'start.js');
const READY = /n8n with the Sage ERP nodes is running/;
const START_TIMEOUT = 5 * 60 * 1000;
const ids = examplesLib.EXAMPLE_IDS as Record<string, string>;

type Session = {
	request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
};
type StartProcess = N8nProcess & { waitForOutput(re: RegExp, ms: number): Promise<unknown> };
type StoredWorkflow = {
	id: string;
	name: string;
	versionId: string;
	active: boolean;
	nodes: { name: string; parameters: Record<string, unknown> }[];
};

function portFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** A port whose next one (n8n's task runner broker) is free too. */
async function freePortPair(): Promise<number> {
	for (;;) {
		const port: number = await processes.freePort();
		if (port < 65535 && (await portFree(port + 1))) return port;
	}
}

async function workflow(
	session: Session,
	id: string,
): Promise<{ status: number; data?: StoredWorkflow }> {
	const res = await session.request('GET', `/rest/workflows/${id}`);
	observe(res.body, `GET /rest/workflows/${id}`);
	return { status: res.status, data: (res.body as { data?: StoredWorkflow }).data };
}

/** Rewrites one example file of the test's copy of examples/, as a commit to the repository would. */
function changeExampleFile(
	dir: string,
	id: string,
	change: (wf: Record<string, unknown>) => void,
): void {
	const file = fs
		.readdirSync(dir)
		.find((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')).id === id)!;
	const wf = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
	change(wf);
	fs.writeFileSync(path.join(dir, file), JSON.stringify(wf, null, '\t'));
}

const exampleCount = (): number => examplesLib.loadExamples().length;

/** The test's own folders, port and `npm start` process, shared by its steps. */
const ctx: {
	root: string;
	folder: string;
	examplesDir: string;
	port: number;
	runs: number;
	running?: StartProcess;
} = { root: '', folder: '', examplesDir: '', port: 0, runs: 0 };

/** scripts/start.js until its banner; the simulator's secret it prints goes to the secret guard. */
async function npmStart(
	...args: string[]
): Promise<{ proc: StartProcess; output: string; base: string }> {
	ctx.runs++;
	const proc: StartProcess = processes.startProcess(
		'npm start',
		process.execPath,
		[
			START_SCRIPT,
			'--skip-build',
			'--folder',
			ctx.folder,
			'--examples',
			ctx.examplesDir,
			'--port',
			String(ctx.port),
			...args,
		],
		{
			cwd: n8nLib.REPO_ROOT,
			env: process.env as Record<string, string>,
			logFile: path.join(ctx.root, `npm-start-${ctx.runs}.log`),
		},
	);
	ctx.running = proc;
	await proc.waitForOutput(READY, START_TIMEOUT);
	const secret = /client secret (\S+)/.exec(proc.output())?.[1];
	expect(secret).toBeTruthy();
	// Printed on purpose (the simulator's throwaway value); n8n's log and answers must not hold it.
	secretGuard().registerSecret(secret!);
	return { proc, output: proc.output(), base: `http://127.0.0.1:${ctx.port}` };
}

/** Ctrl-C's SIGTERM twin: n8n and the simulator stop, the script exits 0; n8n's log goes to the guard. */
async function stop(proc: StartProcess): Promise<void> {
	const info = (await proc.stop(45000)) as { code: number | null; signal: string | null };
	ctx.running = undefined;
	expect(info).toEqual({ code: 0, signal: null });
	observe(
		fs.readFileSync(path.join(ctx.folder, 'n8n.log'), 'utf8'),
		`n8n log of npm start run ${ctx.runs}`,
	);
}

/** The Record Type list of the "pick a record type" example, as the editor asks for it when you type "cust". */
async function expectRecordTypeSearch(session: Session): Promise<void> {
	const getCustomer = (await workflow(session, ids.getCustomer)).data!.nodes.find(
		(n) => n.name === 'Get Customer',
	)!;
	const search = await session.request(
		'POST',
		'/rest/dynamic-node-parameters/resource-locator-results',
		{
			path: 'parameters.recordType',
			nodeTypeAndVersion: { name: 'n8n-nodes-sage-erp.sageErp', version: 1 },
			currentNodeParameters: getCustomer.parameters,
			methodName: 'searchRecordTypes',
			filter: 'cust',
			credentials: { sageErpApi: examplesLib.CREDENTIAL_REF },
			workflowId: ids.getCustomer,
		},
	);
	observe(search.body, 'record type search');
	expect([
		search.status,
		(search.body as { data?: { results?: unknown[] } }).data?.results,
	]).toEqual([
		200,
		[{ name: 'Customer (xtremMasterData.customer)', value: 'xtremMasterData.customer' }],
	]);
}

/**
 * What a user does in the editor: a workflow of their own, one example renamed (n8n keeps its
 * versionId), another given a new ID to read (n8n gives it a new versionId). Resolves the new workflow's id.
 */
async function workAsTheUser(session: Session): Promise<string> {
	const mine = await session.request('POST', '/rest/workflows', {
		name: 'My own workflow',
		nodes: [
			{
				id: 'b0000000-0000-4000-8000-000000000001',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
		active: false,
	});
	expect(mine.status).toBe(200);
	const mineId = (mine.body as { data: { id: string } }).data.id;

	// Each is saved as the editor saves it: PATCH with the whole workflow and its versionId.
	const renamed = (await workflow(session, ids.customersChanged)).data!;
	expect(
		(
			await session.request('PATCH', `/rest/workflows/${ids.customersChanged}`, {
				...renamed,
				name: 'Customers changed (my version)',
			})
		).status,
	).toBe(200);
	const changed = (await workflow(session, ids.getCustomer)).data!;
	changed.nodes.find((n) => n.name === 'Get Customer')!.parameters.id = '#US001';
	expect(
		(await session.request('PATCH', `/rest/workflows/${ids.getCustomer}`, changed)).status,
	).toBe(200);
	const after = (await workflow(session, ids.getCustomer)).data!;
	expect(after.versionId).not.toBe(changed.versionId);
	return mineId;
}

/** The CRM webhook example creates an order with this run's simulator. */
async function expectWebhookOrder(base: string, reference: string): Promise<void> {
	const order = await fetch(`${base}/webhook/${examplesLib.WEBHOOK_PATH}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(examplesLib.sampleOrder(reference)),
	});
	const answer = (await order.json()) as { number?: string; customerReference?: string };
	observe(answer, `webhook answer for ${reference}`);
	expect([order.status, answer.customerReference, typeof answer.number]).toEqual([
		200,
		reference,
		'string',
	]);
}

describeE2e('npm start keeps the n8n user folder between runs', () => {
	beforeAll(async () => {
		assertBuilt();
		fs.mkdirSync(n8nLib.WORK_ROOT, { recursive: true });
		ctx.root = fs.mkdtempSync(path.join(n8nLib.WORK_ROOT as string, 'npm-start-'));
		ctx.folder = path.join(ctx.root, 'user-folder');
		ctx.examplesDir = path.join(ctx.root, 'examples');
		fs.mkdirSync(ctx.examplesDir);
		for (const f of fs
			.readdirSync(examplesLib.EXAMPLES_DIR)
			.filter((f: string) => f.endsWith('.json'))) {
			fs.copyFileSync(path.join(examplesLib.EXAMPLES_DIR, f), path.join(ctx.examplesDir, f));
		}
		ctx.port = await freePortPair();
	}, PROVISION_TIMEOUT);

	afterAll(async () => {
		if (ctx.running) await ctx.running.stop(45000);
		if (ctx.root) n8nLib.removeUserFolder(ctx.root);
	}, 60000);

	test(
		'a workflow made through the REST API and an edited example survive a restart; a changed example is imported again where untouched',
		async () => {
			const first = await npmStart();
			expect(first.output.match(/example imported \(new\)/g)).toHaveLength(exampleCount());
			const session: Session = await n8nLib.login(first.base);

			await expectRecordTypeSearch(session);

			const mineId = await workAsTheUser(session);
			const crmBefore = (await workflow(session, ids.crmWebhook)).data!;
			await stop(first.proc);

			// Meanwhile the repository changes the two examples the user edited, and one the user did not.
			changeExampleFile(
				ctx.examplesDir,
				ids.customersChanged,
				(wf) => (wf.name = 'Sage ERP example: customers changed (repository v2)'),
			);
			changeExampleFile(
				ctx.examplesDir,
				ids.getCustomer,
				(wf) => (wf.name = 'Sage ERP example: get one record (repository v2)'),
			);
			changeExampleFile(
				ctx.examplesDir,
				ids.graphqlPagination,
				(wf) => (wf.name = 'Sage ERP example: raw GraphQL query with pagination (repository v2)'),
			);

			const second = await npmStart();
			expect(second.output).toMatch(/reusing the kept n8n user folder/);
			expect(second.output.match(/example imported/g)).toHaveLength(1);
			expect(second.output).toMatch(
				/example imported \(changed in the repository\): Sage ERP example: raw GraphQL query with pagination \(repository v2\)/,
			);
			expect(second.output).toMatch(
				/example kept as you edited it in n8n: "Sage ERP example: customers changed \(repository v2\)"/,
			);
			expect(second.output).toMatch(
				/example kept as you edited it in n8n: "Sage ERP example: get one record \(repository v2\)"/,
			);
			expect(second.output).toMatch(
				new RegExp(`examples unchanged since they were imported: ${exampleCount() - 3}\\b`),
			);
			const again: Session = await n8nLib.login(second.base);

			expect((await workflow(again, mineId)).data?.name).toBe('My own workflow');
			expect((await workflow(again, ids.customersChanged)).data?.name).toBe(
				'Customers changed (my version)',
			);
			const kept = (await workflow(again, ids.getCustomer)).data!;
			expect([kept.name, kept.nodes.find((n) => n.name === 'Get Customer')!.parameters.id]).toEqual(
				['Sage ERP example: pick a record type and get one record', '#US001'],
			);
			expect((await workflow(again, ids.graphqlPagination)).data?.name).toBe(
				'Sage ERP example: raw GraphQL query with pagination (repository v2)',
			);
			// Not imported again: same version, still published, and its webhook answers with this run's simulator.
			const crmAfter = (await workflow(again, ids.crmWebhook)).data!;
			expect([crmAfter.versionId, crmAfter.active]).toEqual([crmBefore.versionId, true]);
			await expectWebhookOrder(second.base, 'E2E-RESTART');
			await stop(second.proc);
		},
		3 * START_TIMEOUT,
	);

	test(
		'npm start -- --fresh starts clean: the user folder is made anew and every example imported from the repository',
		async () => {
			const fresh = await npmStart('--fresh');
			expect(fresh.output).toMatch(/--fresh: deleting the kept n8n user folder/);
			expect(fresh.output.match(/example imported \(new\)/g)).toHaveLength(exampleCount());
			const session: Session = await n8nLib.login(fresh.base);
			const list = await session.request('GET', '/rest/workflows');
			const names = ((list.body as { data: { name: string }[] }).data ?? [])
				.map((w) => w.name)
				.sort();
			expect(names).toEqual(
				(examplesLib.loadExamples(ctx.examplesDir) as { name: string }[]).map((w) => w.name).sort(),
			);
			expect((await workflow(session, ids.customersChanged)).data?.name).toBe(
				'Sage ERP example: customers changed (repository v2)',
			);
			await stop(fresh.proc);
		},
		2 * START_TIMEOUT,
	);
});
