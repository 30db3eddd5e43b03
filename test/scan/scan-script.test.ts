/**
 * scan/run.mjs itself, on tiny checkouts made in a temporary folder: each is a git
 * repository holding a copy of the script, so the script finds its checkout from its own
 * location exactly as it does in this repository. Only scan/node_modules is shared (a
 * symlink), so nothing is installed. Skipped when the scanner is not installed.
 */
import { spawnSync } from 'node:child_process';
import {
	copyFileSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const SCANNER_MODULES = path.join(ROOT, 'scan', 'node_modules');
const installed = existsSync(path.join(SCANNER_MODULES, '@n8n', 'scan-community-package'));
if (!installed) {
	console.warn(
		'test/scan skipped: the scanner is not installed; run `npm ci --prefix scan` to test scan/run.mjs.',
	);
}

const MANIFEST = {
	name: 'n8n-nodes-scan-fixture',
	version: '0.0.1',
	description: 'A checkout for the scan script test.',
	keywords: ['n8n-community-node-package'],
	license: 'MIT',
	author: { name: 'Fixture', email: 'fixture@example.com' },
	homepage: 'https://github.com/example/n8n-nodes-scan-fixture',
	repository: { type: 'git', url: 'https://github.com/example/n8n-nodes-scan-fixture.git' },
	files: ['dist'],
	scripts: { build: 'node build.js' },
	n8n: { n8nNodesApiVersion: 1, credentials: [], nodes: ['dist/nodes/Fixture/Fixture.node.js'] },
	peerDependencies: { 'n8n-workflow': '*' },
};

const roots: string[] = [];

/** A checkout whose nodes/ source and built dist/ both hold `code`. */
function checkout(code: string, { withScanner = true } = {}): string {
	const root = mkdtempSync(path.join(os.tmpdir(), 'scan-fixture-'));
	roots.push(root);
	mkdirSync(path.join(root, 'scan'));
	copyFileSync(path.join(ROOT, 'scan', 'run.mjs'), path.join(root, 'scan', 'run.mjs'));
	if (withScanner) symlinkSync(SCANNER_MODULES, path.join(root, 'scan', 'node_modules'), 'dir');
	mkdirSync(path.join(root, 'nodes', 'Fixture'), { recursive: true });
	writeFileSync(path.join(root, 'nodes', 'Fixture', 'wait.ts'), `export ${code}\n`);
	// The build is run by the script (npm run build), so the tarball leg sees its output.
	const built = `'use strict';\nexports.${code.replace(/^const /, '')}\n`;
	writeFileSync(
		path.join(root, 'build.js'),
		`const fs = require('fs');\nfs.mkdirSync('dist/nodes/Fixture', { recursive: true });\nfs.writeFileSync('dist/nodes/Fixture/Fixture.node.js', ${JSON.stringify(built)});\n`,
	);
	writeFileSync(path.join(root, 'package.json'), JSON.stringify(MANIFEST, null, 2));
	// A file git ignores is not part of the source leg, whatever it holds.
	writeFileSync(path.join(root, '.gitignore'), 'node_modules\ndist/\nnodes/Fixture/ignored.ts\n');
	writeFileSync(
		path.join(root, 'nodes', 'Fixture', 'ignored.ts'),
		'export const later = setInterval;\n',
	);
	expect(spawnSync('git', ['init', '-q'], { cwd: root }).status).toBe(0);
	return root;
}

/** Runs the checkout's script with a temporary folder of its own, to see what it leaves there. */
function scan(root: string) {
	const tempDir = mkdtempSync(path.join(os.tmpdir(), 'scan-fixture-tmp-'));
	roots.push(tempDir);
	// Run from another folder: the script must not depend on the working directory.
	const result = spawnSync(process.execPath, [path.join(root, 'scan', 'run.mjs')], {
		cwd: os.tmpdir(),
		encoding: 'utf8',
		env: { ...process.env, TMPDIR: tempDir },
	});
	return {
		code: result.status,
		stdout: result.stdout,
		stderr: result.stderr,
		leftInTemp: readdirSync(tempDir),
	};
}

afterAll(() => {
	for (const root of roots) rmSync(root, { recursive: true, force: true });
});

(installed ? describe : describe.skip)('npm run scan (scan/run.mjs)', () => {
	it('fails on a setTimeout in nodes/ and in the tarball, listing each as file:line:col rule message', () => {
		const { code, stdout } = scan(
			checkout('const wait = () => new Promise((resolve) => setTimeout(resolve, 1));'),
		);
		expect(code).toBe(1);
		expect(stdout).toMatch(
			/^nodes\/Fixture\/wait\.ts:1:\d+ @n8n\/community-nodes\/no-restricted-globals .*'setTimeout'/m,
		);
		expect(stdout).toMatch(
			/^dist\/nodes\/Fixture\/Fixture\.node\.js:2:\d+ @n8n\/community-nodes\/no-restricted-globals /m,
		);
		expect(stdout).toContain('source leg: 1 error(s)');
		expect(stdout).toContain('tarball leg: 1 error(s)');
		expect(stdout).not.toContain('ignored.ts');
		expect(stdout).toMatch(/scan: FAILED, 2 error\(s\)/);
	});

	it('passes a clean checkout and removes its temporary folders', () => {
		const { code, stdout, leftInTemp } = scan(checkout('const answer = 42;'));
		expect(stdout).toContain('source leg: 0 error(s)');
		expect(stdout).toContain('tarball leg: 0 error(s)');
		expect(stdout).toContain('scan: passed (0 errors)');
		expect(code).toBe(0);
		// Neither the script's copies nor the folder the scanner makes as it loads.
		expect(leftInTemp).toEqual([]);
	});

	it('says how to install the scanner when it is missing', () => {
		const { code, stderr } = scan(checkout('const answer = 42;', { withScanner: false }));
		expect(code).toBe(2);
		expect(stderr).toContain('npm ci --prefix scan');
	});
});
