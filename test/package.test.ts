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
				nodes: ['dist/nodes/SageErp/SageErp.node.js', 'dist/nodes/SageErpTrigger/SageErpTrigger.node.js'],
			},
		});
		expect(manifest.keywords).toContain('n8n-community-node-package');
		expect(manifest.dependencies ?? {}).toEqual({});
	});

	it('ships only dist/, index.js, README, LICENSE and package.json', () => {
		const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }));
		const files: string[] = pack.files.map((file: { path: string }) => file.path);
		expect(files.filter((file) => !file.startsWith('dist/'))).toEqual(
			expect.arrayContaining(['LICENSE', 'README.md', 'index.js', 'package.json']),
		);
		expect(files.filter((file) => !file.startsWith('dist/')).length).toBe(4);
		for (const entry of [...manifest.n8n.credentials, ...manifest.n8n.nodes]) expect(files).toContain(entry);
	});

	it('bundles undici and graphql instead of requiring them at run time', () => {
		const bundle = readFileSync(path.join(ROOT, 'dist', 'sage-erp.js'), 'utf8');
		const required = [...bundle.matchAll(/require\("([^".][^"]*)"\)/g)].map((match) => match[1]);
		const external = required.filter((name) => !name.startsWith('node:') && !isBuiltin(name));
		expect([...new Set(external)]).toEqual(['n8n-workflow']);
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

function isBuiltin(name: string): boolean {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return (require('node:module') as { builtinModules: string[] }).builtinModules.includes(name);
}
