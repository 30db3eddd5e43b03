/**
 * A newcomer's first `npm start` on a machine with no cache (issue 21): npm runs our scripts with
 * its own configuration in npm_config_* variables, this project's ignore-scripts=true (.npmrc)
 * among them, and the npm those scripts start must still run the install scripts it needs.
 * Step 1 of the provisioning (Node.js 24, ~10 s) goes into an empty cache folder through
 * `npm run`, as `npm start` does; the whole provisioning from nothing is proved by .ci/run.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';

/* eslint-disable @typescript-eslint/no-require-imports */
const provision = require('../../scripts/provision-n8n');
/* eslint-enable @typescript-eslint/no-require-imports */

const ROOT = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);
const temps: string[] = [];

function tempDir(prefix: string): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	temps.push(dir);
	return dir;
}

/**
 * A shell's environment, as a newcomer's terminal has it: none of the npm_* variables that the
 * `npm test` running this file passes on, nor a cache folder of this machine.
 */
function newcomerEnv(cacheHome: string): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (!/^npm_/i.test(key) && !key.startsWith('SAGE_ERP_N8N_')) env[key] = value;
	}
	return { ...env, XDG_CACHE_HOME: cacheHome };
}

/** A package whose install script leaves a file behind, installed by hand into `folder`. */
function packageWithInstallScript(folder: string): string {
	const probe = path.join(folder, 'node_modules', 'install-script-probe');
	fs.mkdirSync(probe, { recursive: true });
	fs.writeFileSync(
		path.join(folder, 'package.json'),
		JSON.stringify({
			name: 'probe-host',
			private: true,
			dependencies: { 'install-script-probe': '1.0.0' },
		}),
	);
	const script = "require('fs').writeFileSync('install-script-ran', '')";
	fs.writeFileSync(
		path.join(probe, 'package.json'),
		JSON.stringify({
			name: 'install-script-probe',
			version: '1.0.0',
			scripts: { install: `node -e "${script}"` },
		}),
	);
	return path.join(probe, 'install-script-ran');
}

afterAll(() => {
	for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

describe('provisioning on a machine with no cache', () => {
	test('`npm run provision-n8n -- --node-only` puts a working Node.js 24 into an empty cache folder', async () => {
		const cacheHome = tempDir('sage-erp-fresh-cache-');
		const { stderr } = await run('npm', ['run', 'provision-n8n', '--', '--node-only'], {
			cwd: ROOT,
			env: newcomerEnv(cacheHome),
		});
		expect(stderr).toMatch(/\[1\/4\] Node\.js ready/);

		const cacheDir = path.join(cacheHome, 'n8n-nodes-sage-erp', `n8n-${provision.N8N_VERSION}`);
		const { nodeBin } = provision.layout(cacheDir);
		expect(fs.existsSync(nodeBin)).toBe(true);
		const { stdout } = await run(nodeBin, ['--version']);
		expect(stdout.trim()).toMatch(/^v24\./);
	});

	test.each([true, false])(
		'an npm these scripts run with scripts: %s does what it says, though its parent npm says the opposite',
		async (scripts) => {
			const folder = tempDir('sage-erp-npm-scripts-');
			const marker = packageWithInstallScript(folder);
			// ignore-scripts=true when the call wants scripts, false when it wants none.
			const parentEnv = { ...process.env, npm_config_ignore_scripts: String(scripts) };
			await provision.runNpm(provision.makeLogger(true), 'npm rebuild', ['rebuild'], {
				cwd: folder,
				env: parentEnv,
				scripts,
			});
			expect(fs.existsSync(marker)).toBe(scripts);
		},
	);
});
