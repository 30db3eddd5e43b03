/**
 * The secret guard must see what fixtures register at the very end of a test file: the
 * tokens the simulator issued are only known then (afterAll). jest-circus runs afterAll
 * hooks in the order they were declared, so the guard's own check runs before the file's;
 * test/setup/secret-guard.ts checks again after each of them. Proven here on two throw-away
 * test files run by a separate jest: one leaks a token registered late, one does not.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PROBE = (leak: boolean) => `
const guard = () => (globalThis as any)[Symbol.for('n8n-nodes-sage-erp.secretGuard')];
test('a run shows an item', () => {
	guard().observe({ json: { note: ${leak ? "'token sdmo_at_issued-late-0123456789'" : "'nothing secret'"} } }, 'node output');
});
afterAll(async () => {
	await new Promise((resolve) => setTimeout(resolve, 10)); // like a fixture stopping its simulator
	guard().registerSecret('sdmo_at_issued-late-0123456789');
});
`;

test('a token registered by a fixture’s afterAll still fails the file it leaked in', () => {
	const directory = mkdtempSync(path.join(os.tmpdir(), 'secret-guard-order-'));
	try {
		writeFileSync(path.join(directory, 'leaks.test.ts'), PROBE(true));
		writeFileSync(path.join(directory, 'clean.test.ts'), PROBE(false));
		const config = {
			rootDir: directory,
			testEnvironment: 'node',
			testMatch: ['**/*.test.ts'],
			transform: {
				'^.+\\.ts$': [require.resolve('ts-jest'), { isolatedModules: true, diagnostics: false }],
			},
			setupFilesAfterEnv: [path.resolve(__dirname, '..', 'setup', 'secret-guard.ts')],
		};
		const run = spawnSync(
			process.execPath,
			[require.resolve('jest/bin/jest'), '--config', JSON.stringify(config), '--ci', '--silent'],
			{
				cwd: directory,
				encoding: 'utf8',
				env: { ...process.env, FORCE_COLOR: '0' },
			},
		);
		const output = `${run.stdout}${run.stderr}`;
		expect(output).toMatch(/FAIL .*leaks\.test\.ts/);
		expect(output).toMatch(/PASS .*clean\.test\.ts/);
		expect(output).toMatch(
			/A secret or token appeared where a user could see it:\s+node output: \.\.\.\{"json":\{"note":"token \[SECRET\]/,
		);
		expect(run.status).toBe(1);
	} finally {
		rmSync(directory, { recursive: true, force: true });
	}
});
