import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { http, postJson } from './test-helpers';

const ROOT = path.resolve(__dirname, '..', '..');

/** Starts the CLI the way `npm run simulator` does (ts-node, transpile only) and waits for its banner. */
function startCli(
	args: string[],
): Promise<{ child: ChildProcess; out: () => string; banner: Record<string, string> }> {
	const child = spawn(
		process.execPath,
		[require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'test/simulator/cli.ts', ...args],
		{
			cwd: ROOT,
			env: { ...process.env, PORT: '' },
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	let out = '';
	child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
	child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
	return new Promise((resolve, reject) => {
		// A hang guard (a CLI that never prints), generous for a busy machine: never a speed check.
		const timer = setTimeout(
			() => reject(new Error('CLI did not start within 5 minutes')),
			5 * 60_000,
		);
		const onData = (): void => {
			if (!out.includes('curl')) return;
			clearTimeout(timer);
			child.stdout!.off('data', onData);
			const field = (label: string): string => new RegExp(`${label}:\\s+(\\S+)`).exec(out)![1];
			resolve({
				child,
				out: () => out,
				banner: {
					tokenUrl: field('token URL'),
					clientId: field('client id'),
					clientSecret: field('client secret'),
					tenantId: field('tenant id'),
				},
			});
		};
		child.stdout!.on('data', onData);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`CLI exited early (${code})`));
		});
	});
}

function exited(child: ChildProcess): Promise<number | null> {
	return new Promise((resolve) => {
		if (child.exitCode !== null) resolve(child.exitCode);
		else child.once('exit', (code) => resolve(code));
	});
}

test('the CLI answers a token exchange, a renewal and introspection over real HTTP, then stops on SIGTERM', async () => {
	const { child, banner, out } = await startCli([
		'--port',
		'0',
		'--customers',
		'12',
		'--latency',
		'1',
	]);
	try {
		expect(banner.tokenUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/token$/);
		expect(banner.clientId).toBe('sim-client');
		expect(out()).toMatch(
			/curl -s -X POST http:\/\/127\.0\.0\.1:\d+\/v1\/token -H 'content-type: application\/json'/,
		);
		const t = await postJson(banner.tokenUrl, {
			clientId: banner.clientId,
			clientSecret: banner.clientSecret,
			tenantId: banner.tenantId,
		});
		expect(t.status).toBe(200);
		const renewed = await http('POST', t.json.urls.refreshToken, {
			headers: { authorization: `Bearer ${t.json.refreshToken}` },
		});
		expect(renewed.status).toBe(200);
		const schema = await postJson(
			renewed.json.urls.graphQL,
			{
				query:
					'{ __schema { queryType { name } } xtremMasterData { customer { query { totalCount } } } }',
			},
			{ authorization: `Bearer ${renewed.json.accessToken}` },
		);
		expect(schema.json.data).toEqual({
			__schema: { queryType: { name: 'Query' } },
			xtremMasterData: { customer: { query: { totalCount: 12 } } },
		});
		const counters = await http(
			'GET',
			`${banner.tokenUrl.replace('/v1/token', '')}/__admin/counters`,
		);
		expect(counters.json).toMatchObject({
			exchanges: 1,
			renewals: 1,
			graphqlRequests: 1,
			faultsInjected: { latency: 1 },
		});
	} finally {
		child.kill('SIGTERM');
	}
	expect(await exited(child)).toBe(0);
	expect(out()).toContain('SIGTERM: stopping the simulator');
});

test('the CLI refuses a bad option value', async () => {
	const child = spawn(
		process.execPath,
		[
			require.resolve('ts-node/dist/bin.js'),
			'--transpile-only',
			'test/simulator/cli.ts',
			'--customers',
			'many',
		],
		{ cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
	);
	let err = '';
	child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
	expect(await exited(child)).toBe(2);
	expect(err).toContain("--customers expects a non-negative integer, got 'many'");
});
