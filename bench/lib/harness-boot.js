'use strict';
/**
 * What every in-process harness child of the bench starts with: TypeScript sources loaded
 * through ts-node (the engine harness is test/helpers/engine), the harness itself, our node's
 * type name, and the simulator's counters for the child's tenant.
 */
const path = require('path');
const REPO_ROOT = path.resolve(__dirname, '..', '..');
require('ts-node').register({
	transpileOnly: true,
	project: path.join(REPO_ROOT, 'tsconfig.json'),
	compilerOptions: { module: 'commonjs' },
});
const { loadPackage, TestEngine } = require(path.join(REPO_ROOT, 'test', 'helpers', 'engine'));
const { PACKAGE_NAME } = require('../../scripts/lib/n8n');

const SAGE_NODE = `${PACKAGE_NAME}.sageErp`;

/** The simulator's counters for the credential's tenant (its admin endpoint). */
async function simCounters(args) {
	const res = await fetch(
		`${args.adminUrl}/counters?tenantId=${encodeURIComponent(args.credential.data.tenantId)}`,
	);
	return await res.json();
}

module.exports = { loadPackage, TestEngine, SAGE_NODE, simCounters };
