'use strict';
/**
 * Starts the Sage ERP simulator (test/simulator, TypeScript) inside this Node.js process,
 * through ts-node (a devDependency): `startSimulator({ port })` -> { tokenUrl, client, stop(), ... }.
 */
const fs = require('fs');
const path = require('path');

const SIMULATOR_DIR = path.resolve(__dirname, '..', '..', 'test', 'simulator');

let registered = false;
function registerTypeScript() {
	if (registered || require.extensions['.ts']) return;
	let tsNode;
	try {
		tsNode = require('ts-node');
	} catch {
		throw new Error('ts-node is missing: run `npm install` first (it is a devDependency)');
	}
	tsNode.register({
		transpileOnly: true,
		project: path.resolve(__dirname, '..', '..', 'tsconfig.json'),
		compilerOptions: { module: 'commonjs' },
	});
	registered = true;
}

/** options: { port } (0 = any free port). */
async function startSimulator(options = {}) {
	if (!fs.existsSync(path.join(SIMULATOR_DIR, 'index.ts'))) {
		throw new Error(
			`the Sage ERP simulator is missing (${path.relative(process.cwd(), path.join(SIMULATOR_DIR, 'index.ts'))})`,
		);
	}
	registerTypeScript();
	const simulator = require(SIMULATOR_DIR);
	if (typeof simulator.startSimulator !== 'function')
		throw new Error('test/simulator/index.ts does not export startSimulator');
	return simulator.startSimulator({ port: 0, ...options });
}

module.exports = { startSimulator, SIMULATOR_DIR };
