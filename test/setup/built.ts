/**
 * jest's global setup: the engine and end-to-end suites run the built package (dist/), so a
 * build older than its sources would test old code and pass. `npm test` builds first; a
 * bare `npx jest` after an edit fails here, saying what to run.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const SOURCES = ['sage-client', 'n8n-transport', 'nodes', 'credentials'];
const BUNDLE = path.join(ROOT, 'dist', 'sage-erp.js');

function newestSource(dir: string): { file: string; mtimeMs: number } {
	let newest = { file: '', mtimeMs: 0 };
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		const candidate = entry.isDirectory()
			? newestSource(full)
			: { file: full, mtimeMs: fs.statSync(full).mtimeMs };
		if (candidate.mtimeMs > newest.mtimeMs) newest = candidate;
	}
	return newest;
}

export default function assertBuildIsFresh(): void {
	if (!fs.existsSync(BUNDLE))
		throw new Error(
			'The package is not built (no dist/sage-erp.js): run `npm run build`, or `npm test`, which builds first.',
		);
	const built = fs.statSync(BUNDLE).mtimeMs;
	const newest = SOURCES.map((dir) => newestSource(path.join(ROOT, dir))).reduce((a, b) =>
		a.mtimeMs >= b.mtimeMs ? a : b,
	);
	if (newest.mtimeMs > built) {
		throw new Error(
			`dist/ is older than ${path.relative(ROOT, newest.file)}: run \`npm run build\` (npm test builds first), so the tests run the code you changed.`,
		);
	}
}
