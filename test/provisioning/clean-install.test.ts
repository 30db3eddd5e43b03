/**
 * `npm install` on a fresh clone leaves `git status` clean (issue 21): npm rewrites a lockfile
 * in its own form (indented as its package.json is), so each lockfile is committed in that form,
 * and the formatter leaves it alone (.prettierignore). npm itself says what its form is here:
 * each folder's package.json and lockfile are copied aside and npm writes the lockfile again.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/* eslint-disable @typescript-eslint/no-require-imports */
const provision = require('../../scripts/provision-n8n');
/* eslint-enable @typescript-eslint/no-require-imports */

const ROOT = path.resolve(__dirname, '..', '..');
const FOLDERS = ['.', 'scan', 'test/engine-next'];
const temps: string[] = [];

/** The first line where two texts differ, as npm's and the committed one, or null. */
function firstDifference(written: string, committed: string): string | null {
	const a = written.split('\n');
	const b = committed.split('\n');
	const line = a.findIndex((text, index) => text !== b[index]);
	if (line === -1)
		return a.length === b.length ? null : `npm wrote ${a.length} lines, not ${b.length}`;
	return `line ${line + 1}: npm writes ${JSON.stringify(a[line])}, the commit has ${JSON.stringify(b[line])}`;
}

afterAll(() => {
	for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

test.each(FOLDERS)('npm install leaves %s/package-lock.json as it is committed', async (folder) => {
	const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'sage-erp-lockfile-'));
	temps.push(copy);
	for (const file of ['package.json', 'package-lock.json'])
		fs.copyFileSync(path.join(ROOT, folder, file), path.join(copy, file));
	const committed = fs.readFileSync(path.join(copy, 'package-lock.json'), 'utf8');

	// What `npm install` writes, without installing: the lockfile already holds every version.
	await provision.runNpm(
		provision.makeLogger(true),
		'npm install --package-lock-only',
		['install', '--package-lock-only', '--prefer-offline'],
		{ cwd: copy, scripts: false },
	);
	const written = fs.readFileSync(path.join(copy, 'package-lock.json'), 'utf8');
	expect(firstDifference(written, committed)).toBeNull();
});
