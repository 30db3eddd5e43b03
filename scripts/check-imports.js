#!/usr/bin/env node
/**
 * `npm run lint` (after ESLint): the shipped code's imports keep to its layers.
 *   - No import circle: no file reaches itself through imports, type-only imports included
 *     (a type taken from a file above is an arrow back up all the same).
 *   - Every import stays in its own folder or goes down to a folder it stands on
 *     (STANDS_ON below): the picture in docs/architecture.md is this map, drawn.
 * Exit code: 0 kept, 1 broken (each circle and each import across the layers printed).
 *
 * Usage: node scripts/check-imports.js [root]   (root: the checkout to check, by default this one)
 */
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

/**
 * The layers: each folder and the folders it stands on. A file may import its own folder
 * and every folder its folder stands on, directly or through others; nothing else. A file
 * belongs to the longest folder (or file) named here. docs/architecture.md draws this map.
 */
const STANDS_ON = {
	'sage-client/transport': [],
	'sage-client/auth': ['sage-client/transport'],
	'sage-client/schema': ['sage-client/transport'],
	'sage-client/client': ['sage-client/auth'],
	'sage-client/documents': ['sage-client/schema'],
	// A record type's natural key, as its schema states it (from the field-layer work).
	'sage-client/natural-key.ts': ['sage-client/schema'],
	// The record type's field descriptions (kinds, labels, references, enums, operators),
	// read by the node, the trigger and the AI tool.
	'sage-client/fields': ['sage-client/documents', 'sage-client/natural-key.ts'],
	'sage-client': ['sage-client/client', 'sage-client/fields'],
	'n8n-transport': ['sage-client'],
	credentials: ['n8n-transport'],
	'nodes/shared': ['n8n-transport'],
	'nodes/SageErp': ['nodes/shared'],
	'nodes/SageErpTrigger': ['nodes/shared'],
	nodes: ['nodes/SageErp', 'nodes/SageErpTrigger', 'credentials'],
};

const SHIPPED = ['sage-client', 'n8n-transport', 'credentials', 'nodes'];

/** Every folder below `folder`, directly or through others. */
function below(folder, seen = new Set()) {
	for (const lower of STANDS_ON[folder] ?? []) {
		if (seen.has(lower)) continue;
		seen.add(lower);
		below(lower, seen);
	}
	return seen;
}

/** The folder (or file) named in STANDS_ON that a file belongs to: the longest that holds it. */
function folderOf(file) {
	return Object.keys(STANDS_ON)
		.filter((folder) => file === folder || file.startsWith(`${folder}/`))
		.sort((a, b) => b.length - a.length)[0];
}

function sourceFiles(root, dir) {
	const full = path.join(root, dir);
	if (!fs.existsSync(full)) return [];
	return fs.readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
		const relative = `${dir}/${entry.name}`;
		if (entry.isDirectory()) return sourceFiles(root, relative);
		return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [relative] : [];
	});
}

/** The files of this checkout that `file` imports (relative imports only: packages are not ours). */
function importsOf(root, file) {
	const text = fs.readFileSync(path.join(root, file), 'utf8');
	const { importedFiles } = ts.preProcessFile(text, true, true);
	return importedFiles
		.map(({ fileName }) => fileName)
		.filter((name) => name.startsWith('.'))
		.map((name) => resolve(root, path.posix.join(path.posix.dirname(file), name)))
		.filter((target) => target !== undefined);
}

function resolve(root, base) {
	for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) {
		const full = path.join(root, candidate);
		if (fs.existsSync(full) && fs.statSync(full).isFile()) return candidate;
	}
	return undefined;
}

/** Tarjan's strongly connected components: each group of more than one file is a circle. */
function circles(graph) {
	const index = new Map();
	const low = new Map();
	const stack = [];
	const onStack = new Set();
	const found = [];
	let next = 0;
	const visit = (file) => {
		index.set(file, next);
		low.set(file, next++);
		stack.push(file);
		onStack.add(file);
		for (const target of graph.get(file) ?? []) {
			if (!index.has(target)) {
				visit(target);
				low.set(file, Math.min(low.get(file), low.get(target)));
			} else if (onStack.has(target)) low.set(file, Math.min(low.get(file), index.get(target)));
		}
		if (low.get(file) !== index.get(file)) return;
		const component = [];
		let member;
		do {
			member = stack.pop();
			onStack.delete(member);
			component.push(member);
		} while (member !== file);
		if (component.length > 1 || (graph.get(file) ?? []).includes(file)) found.push(component);
	};
	for (const file of graph.keys()) if (!index.has(file)) visit(file);
	return found;
}

/** The shortest loop through a circle from its first file, for the message: a -> b -> ... -> a. */
function loopThrough(graph, members) {
	const inside = new Set(members);
	const start = [...members].sort()[0];
	const cameFrom = new Map();
	const queue = [start];
	while (queue.length) {
		const file = queue.shift();
		for (const target of graph.get(file) ?? []) {
			if (target === start) {
				const loop = [start];
				for (let step = file; step !== start; step = cameFrom.get(step)) loop.splice(1, 0, step);
				return [...loop, start];
			}
			if (!inside.has(target) || cameFrom.has(target)) continue;
			cameFrom.set(target, file);
			queue.push(target);
		}
	}
	return [...members, start];
}

function importsAcross(graph) {
	const found = [];
	for (const [file, targets] of graph) {
		const from = folderOf(file);
		if (!from) continue;
		const allowed = below(from);
		for (const target of targets) {
			const to = folderOf(target);
			if (!to || to === from || allowed.has(to)) continue;
			found.push(`${file} imports ${target}: ${from}/ does not stand on ${to}/`);
		}
	}
	return found;
}

function check(root) {
	const graph = new Map();
	for (const file of SHIPPED.flatMap((dir) => sourceFiles(root, dir)))
		graph.set(file, importsOf(root, file));
	const problems = [
		...circles(graph).map(
			(members) => `import circle: ${loopThrough(graph, members).join(' -> ')}`,
		),
		...importsAcross(graph),
	];
	return { files: graph.size, problems };
}

if (require.main === module) {
	const root = path.resolve(process.argv[2] ?? path.join(__dirname, '..'));
	const { files, problems } = check(root);
	for (const problem of problems) process.stderr.write(`check-imports: ${problem}\n`);
	if (problems.length) {
		process.stderr.write(
			'check-imports: move what both sides need below both (docs/architecture.md, "The layers").\n',
		);
		process.exit(1);
	}
	process.stdout.write(`check-imports: ${files} files, no import circle, every import goes down\n`);
}

module.exports = { check, STANDS_ON };
