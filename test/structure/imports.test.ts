import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const CHECK = path.join(ROOT, 'scripts', 'check-imports.js');

/** Runs the lint step on a checkout made of these files. */
function checkTree(files: Record<string, string>): { status: number | null; stderr: string } {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'check-imports-'));
	try {
		for (const [file, text] of Object.entries(files)) {
			fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
			fs.writeFileSync(path.join(root, file), text);
		}
		const run = spawnSync(process.execPath, [CHECK, root], { encoding: 'utf8' });
		return { status: run.status, stderr: run.stderr };
	} finally {
		fs.rmSync(root, { recursive: true, force: true });
	}
}

describe('the import check of npm run lint', () => {
	it('passes on this checkout', () => {
		const run = spawnSync(process.execPath, [CHECK], { encoding: 'utf8' });
		expect(run.stderr).toBe('');
		expect(run.status).toBe(0);
	});

	it('fails on an import circle, type-only imports included, and names its loop', () => {
		const { status, stderr } = checkTree({
			'sage-client/transport/a.ts': "import { b } from './b';\nexport const a = b;\n",
			'sage-client/transport/b.ts': "import type { C } from './c';\nexport const b: C = 1;\n",
			'sage-client/transport/c.ts': "import type { a } from './a';\nexport type C = typeof a;\n",
		});
		expect(status).toBe(1);
		expect(stderr).toContain(
			'import circle: sage-client/transport/a.ts -> sage-client/transport/b.ts -> sage-client/transport/c.ts -> sage-client/transport/a.ts',
		);
	});

	it('fails on an import up the layers, such as the credential taking from the nodes', () => {
		const { status, stderr } = checkTree({
			'nodes/shared/transport.ts': 'export const send = 1;\n',
			'credentials/Api.credentials.ts': "export { send } from '../nodes/shared/transport';\n",
			'sage-client/transport/errors.ts':
				"import type { X } from '../client/client';\nexport type E = X;\n",
			'sage-client/client/client.ts': 'export type X = string;\n',
		});
		expect(status).toBe(1);
		expect(stderr).toContain(
			'credentials/Api.credentials.ts imports nodes/shared/transport.ts: credentials/ does not stand on nodes/shared/',
		);
		expect(stderr).toContain(
			'sage-client/transport/errors.ts imports sage-client/client/client.ts: sage-client/transport/ does not stand on sage-client/client/',
		);
	});

	it('fails when one of two folders side by side imports the other', () => {
		const { status, stderr } = checkTree({
			'nodes/SageErp/a.ts': "export { b } from '../SageErpTrigger/b';\n",
			'nodes/SageErpTrigger/b.ts': 'export const b = 1;\n',
		});
		expect(status).toBe(1);
		expect(stderr).toContain('nodes/SageErp/ does not stand on nodes/SageErpTrigger/');
	});
});
