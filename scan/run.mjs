#!/usr/bin/env node
// `npm run scan`: n8n's verification scan (@n8n/scan-community-package), run locally on
// the two things n8n lints before it lists a version:
//   - the source leg: the checkout's own files, with the scanner's SOURCE_FILE_PATTERNS;
//   - the tarball leg: what `npm pack` would publish, with ['**/*.js', 'package.json'].
// The published CLI only scans a version already on npm with provenance, so this calls the
// scanner's own analyzePackage() with its own configuration: no rule is added, changed or
// switched off here. Exit code: 0 no error, 1 scan errors, 2 the scan could not run.
//
// Usage: node scan/run.mjs [--no-build]
//   --no-build  pack dist/ as it is instead of running `npm run build` first.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Found from this file, not the working directory, so the script scans whichever
// checkout it lives in.
const SCAN_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(SCAN_DIR);
const SCANNER = path.join(
	SCAN_DIR,
	'node_modules',
	'@n8n',
	'scan-community-package',
	'scanner',
	'scanner.mjs',
);
// The same patterns the scanner's analyzePackageByName() gives the tarball leg.
const TARBALL_PATTERNS = ['**/*.js', 'package.json'];
const WIN = process.platform === 'win32';

class CannotScan extends Error {}

function run(command, args, options = {}) {
	// The child's stdout goes to our stderr so that stdout holds the report alone.
	const result = spawnSync(command, args, {
		cwd: ROOT,
		stdio: ['ignore', 2, 2],
		shell: WIN,
		...options,
	});
	if (result.error) throw new CannotScan(`${command} ${args.join(' ')}: ${result.error.message}`);
	if (result.status !== 0)
		throw new CannotScan(`${command} ${args.join(' ')} exited with ${result.status}`);
	return result;
}

/**
 * Loads the installed scanner. analyzePackage() returns only a pass flag and, on failure,
 * text formatted for people; to print every message (warnings included) the results of
 * the ESLint instance it creates are recorded on their way back to it.
 */
async function loadScanner() {
	if (!fs.existsSync(SCANNER)) {
		throw new CannotScan('the scanner is not installed: run `npm ci --prefix scan` first');
	}
	// Resolved from the scanner's own location, so these are the very module instances
	// that scanner.mjs imports.
	const requireFromScanner = createRequire(SCANNER);
	const { ESLint } = requireFromScanner('eslint');
	// scanner.mjs makes a temporary folder as it loads and never removes it; tmp removes
	// it at exit once graceful cleanup is on.
	requireFromScanner('tmp').setGracefulCleanup();

	const recorded = [];
	const lintFiles = ESLint.prototype.lintFiles;
	ESLint.prototype.lintFiles = async function recordLintFiles(...args) {
		const results = await lintFiles.apply(this, args);
		recorded.push(...results);
		return results;
	};
	const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(pathToFileURL(SCANNER).href);
	const takeResults = () => recorded.splice(0, recorded.length);
	return { analyzePackage, SOURCE_FILE_PATTERNS, takeResults };
}

/** The source leg's input: every file git tracks, or would track (new, not ignored), as it is on disk. */
function copySourceTree(target) {
	const listed = spawnSync(
		'git',
		['-C', ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
		{
			encoding: 'buffer',
			maxBuffer: 64 * 1024 * 1024,
		},
	);
	if (listed.error || listed.status !== 0) {
		throw new CannotScan(
			`cannot list the checkout's files with git: ${listed.error?.message ?? listed.stderr}`,
		);
	}
	const files = listed.stdout.toString('utf8').split('\0').filter(Boolean);
	for (const file of files) {
		const from = path.join(ROOT, file);
		// Skipped: files deleted but not yet committed, submodules, and a node_modules
		// symlink (git does not match it with `node_modules/`).
		if (!fs.statSync(from, { throwIfNoEntry: false })?.isFile()) continue;
		const to = path.join(target, file);
		fs.mkdirSync(path.dirname(to), { recursive: true });
		fs.copyFileSync(from, to);
	}
	return target;
}

/** The tarball leg's input: `npm pack` of the checkout, extracted as npm would install it. */
function packTarball(workDir, target, build) {
	if (build) run('npm', ['run', 'build']);
	const packDir = path.join(workDir, 'pack');
	fs.mkdirSync(packDir);
	run('npm', ['pack', '--pack-destination', packDir]);
	const tarball = fs.readdirSync(packDir).find((name) => name.endsWith('.tgz'));
	if (!tarball) throw new CannotScan('npm pack made no tarball');
	fs.mkdirSync(target);
	run('tar', ['-xzf', path.join(packDir, tarball), '-C', target, '--strip-components=1']);
	// Without the built files the tarball leg would pass on next to nothing.
	const { n8n = {} } = JSON.parse(fs.readFileSync(path.join(target, 'package.json'), 'utf8'));
	const missing = [...(n8n.nodes ?? []), ...(n8n.credentials ?? [])].filter(
		(file) => !fs.existsSync(path.join(target, file)),
	);
	if (missing.length > 0)
		throw new CannotScan(`the tarball lacks ${missing.join(', ')}: build first (npm run build)`);
	return target;
}

function toLine({ file, line, column, rule, message }) {
	// One message per line, whatever the rule wrote.
	return `${file}:${line}:${column} ${rule} ${message.replace(/\s*\n\s*/g, ' ')}`;
}

function flatten(results, dir) {
	const messages = results.flatMap((result) =>
		result.messages.map((message) => ({
			file: path.relative(dir, result.filePath).split(path.sep).join('/'),
			line: message.line ?? 0,
			column: message.column ?? 0,
			// A file ESLint cannot parse has a fatal message and no rule.
			rule: message.ruleId ?? (message.fatal ? 'parse-error' : 'eslint'),
			message: message.message,
			severity: message.severity,
		})),
	);
	// ESLint returns files in no fixed order; a stable report can be compared between runs.
	return messages.sort(
		(a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column,
	);
}

// The scanner's report is coloured; its summary line is read without the colour codes.
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** The error count in the scanner's own formatted report (ESLint's stylish summary line), if any. */
function reportedErrorCount(details) {
	const match = /\((\d+) errors?,/.exec((details ?? '').replace(ANSI_COLOUR, ''));
	return match ? Number(match[1]) : null;
}

/** Runs analyzePackage() on one leg and prints it; the verdict is the scanner's, not an exit code. */
async function scanLeg(scanner, name, dir, patterns) {
	const outcome = await scanner.analyzePackage(dir, patterns);
	const messages = flatten(scanner.takeResults(), dir);
	const errors = messages.filter((message) => message.severity === 2);
	const warnings = messages.filter((message) => message.severity !== 2);
	// Guards the recording in loadScanner(): what is listed must be what the scanner judged.
	const reported = reportedErrorCount(outcome.details);
	if (reported !== null && reported !== errors.length) {
		const text = `the scanner reported ${reported} error(s) but ${errors.length} were recorded: ${outcome.details}`;
		errors.push({ file: '-', line: 0, column: 0, rule: 'scanner', message: text });
	} else if (
		(!outcome.passed && errors.length === 0) ||
		outcome.message === 'No files found to analyze'
	) {
		// The scanner fails a leg on its own too (a crash, or nothing to lint: then nothing
		// was checked); that counts as an error even when ESLint reported none.
		const text = [outcome.message, outcome.details].filter(Boolean).join(' ');
		errors.push({ file: '-', line: 0, column: 0, rule: 'scanner', message: text });
	}
	console.log(`== ${name} leg (${patterns.join(', ')})`);
	for (const error of errors) console.log(toLine(error));
	for (const warning of warnings) console.log(`${toLine(warning)} (warning)`);
	console.log(
		`${name} leg: ${errors.length} error(s), ${warnings.length} warning(s)${summariseRules(errors)}`,
	);
	console.log('');
	return errors.length;
}

function summariseRules(errors) {
	if (errors.length === 0) return '';
	const counts = new Map();
	for (const { rule } of errors) counts.set(rule, (counts.get(rule) ?? 0) + 1);
	const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
	return `\n${sorted.map(([rule, count]) => `  ${String(count).padStart(5)} ${rule}`).join('\n')}`;
}

async function main() {
	const build = !process.argv.slice(2).includes('--no-build');
	const scanner = await loadScanner();
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sage-erp-scan-'));
	const removeWorkDir = () => fs.rmSync(workDir, { recursive: true, force: true });
	// Ctrl-C must not leave the copies behind either.
	for (const signal of ['SIGINT', 'SIGTERM']) {
		process.once(signal, () => {
			removeWorkDir();
			process.exit(130);
		});
	}
	try {
		const source = copySourceTree(path.join(workDir, 'source'));
		const tarball = packTarball(workDir, path.join(workDir, 'package'), build);
		const sourceErrors = await scanLeg(scanner, 'source', source, scanner.SOURCE_FILE_PATTERNS);
		const tarballErrors = await scanLeg(scanner, 'tarball', tarball, TARBALL_PATTERNS);
		const total = sourceErrors + tarballErrors;
		console.log(
			total === 0
				? 'scan: passed (0 errors)'
				: `scan: FAILED, ${total} error(s) (source ${sourceErrors}, tarball ${tarballErrors})`,
		);
		return total === 0 ? 0 : 1;
	} finally {
		removeWorkDir();
	}
}

main().then(
	(code) => {
		process.exitCode = code;
	},
	(error) => {
		console.error(`scan: cannot run: ${error instanceof CannotScan ? error.message : error.stack}`);
		process.exitCode = 2;
	},
);
