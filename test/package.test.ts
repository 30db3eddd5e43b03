import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

describe('the published package', () => {
	it('is named and declared as the contract fixes', () => {
		expect(manifest).toMatchObject({
			name: 'n8n-nodes-sage-erp',
			license: 'MIT',
			peerDependencies: { 'n8n-workflow': '*' },
			n8n: {
				n8nNodesApiVersion: 1,
				credentials: ['dist/credentials/SageErpApi.credentials.js'],
				nodes: [
					'dist/nodes/SageErp/SageErp.node.js',
					'dist/nodes/SageErpTrigger/SageErpTrigger.node.js',
				],
			},
		});
		expect(manifest.keywords).toContain('n8n-community-node-package');
		expect(manifest.dependencies ?? {}).toEqual({});
	});

	it('ships only dist/, index.js, README, LICENSE and package.json', () => {
		const [pack] = JSON.parse(
			execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
				cwd: ROOT,
				encoding: 'utf8',
			}),
		);
		const files: string[] = pack.files.map((file: { path: string }) => file.path);
		expect(files.filter((file) => !file.startsWith('dist/'))).toEqual(
			expect.arrayContaining(['LICENSE', 'README.md', 'index.js', 'package.json']),
		);
		expect(files.filter((file) => !file.startsWith('dist/')).length).toBe(4);
		for (const entry of [...manifest.n8n.credentials, ...manifest.n8n.nodes])
			expect(files).toContain(entry);
	});

	it('requires nothing at run time but n8n-workflow and node:crypto: no HTTP stack, no other built-in', () => {
		const bundle = readFileSync(path.join(ROOT, 'dist', 'sage-erp.js'), 'utf8');
		const required = [...bundle.matchAll(/require\("([^".][^"]*)"\)/g)].map((match) => match[1]);
		expect([...new Set(required)].sort()).toEqual(['n8n-workflow', 'node:crypto']);
	});

	it('holds no third-party code but the graphql-js modules it uses, whose licence ships along', () => {
		const bundle = readFileSync(path.join(ROOT, 'dist', 'sage-erp.js'), 'utf8');
		const packages = new Set(
			[...bundle.matchAll(/^\/\/ node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map((match) => match[1]),
		);
		expect([...packages]).toEqual(['graphql']);
		const graphqlModules = new Set(
			[...bundle.matchAll(/^\/\/ node_modules\/graphql\/(\S+)/gm)].map((match) => match[1]),
		);
		// Only what is used: graphql-js has about 130 modules; execution and subscriptions are not needed.
		expect([...graphqlModules].some((name) => name.startsWith('subscription/'))).toBe(false);
		expect(
			readFileSync(path.join(ROOT, 'dist', 'licenses', 'graphql-js.LICENSE'), 'utf8'),
		).toContain('MIT License');
	});

	it('exports every class n8n loads, each from the one shared bundle', () => {
		for (const [file, className] of [
			['dist/credentials/SageErpApi.credentials.js', 'SageErpApi'],
			['dist/nodes/SageErp/SageErp.node.js', 'SageErp'],
			['dist/nodes/SageErpTrigger/SageErpTrigger.node.js', 'SageErpTrigger'],
		]) {
			expect(existsSync(path.join(ROOT, file))).toBe(true);
			const loaded = loadCommonJs(path.join(ROOT, file));
			expect(typeof loaded[className]).toBe('function');
			expect(loaded[className]).toBe(loadCommonJs(path.join(ROOT, 'index.js'))[className]);
		}
	});
});

/** The built files are CommonJS, as n8n loads them. */
function loadCommonJs(file: string): Record<string, unknown> {
	return createRequire(__filename)(file) as Record<string, unknown>;
}
