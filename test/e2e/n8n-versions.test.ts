/**
 * The version plumbing of the e2e suite, without running n8n: scripts/n8n-versions.json, the
 * install folder's package.json per major version, and the one-sentence reasons that
 * scripts/provision-n8n.js gives for a version the registry cannot install (from npm's real
 * output of such failures).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const provision = require('../../scripts/provision-n8n');
const { compareVersions, lastOneX } = require('../../scripts/find-n8n-versions');
/* eslint-enable @typescript-eslint/no-require-imports */

const ETARGET = `npm error code ETARGET
npm error notarget No matching version found for @n8n/agents@0.26.2.
npm error notarget In most cases you or one of your dependencies are requesting
npm error notarget a package version that doesn't exist.
npm error A complete log of this run can be found in: /somewhere/_logs/debug-0.log`;

const E404 = `npm error code E404
npm error 404 Not Found - GET https://registry.npmjs.org/@n8n%2fno-such-package - Not found
npm error 404
npm error 404  '@n8n/no-such-package@1.2.3' is not in this registry.`;

const E404_BARE = `npm ERR! code E404
npm ERR! 404 Not Found - GET https://registry.npmjs.org/@n8n%2fother/-/other-1.0.0.tgz - Not found`;

const NETWORK = `npm error code ENOTFOUND
npm error syscall getaddrinfo
npm error errno ENOTFOUND
npm error network request to https://cdn.sheetjs.com/xlsx-0.20.2/xlsx-0.20.2.tgz failed, reason: getaddrinfo ENOTFOUND cdn.sheetjs.com`;

describe('n8n versions of the e2e suite', () => {
	test('scripts/n8n-versions.json names the default, one 1.x and one 2.x, and when they were checked', () => {
		const v = provision.VERSIONS;
		expect(v.default).toBe(provision.N8N_VERSION);
		expect(v.matrix).toHaveLength(2);
		expect(v.matrix.filter((x: string) => x.startsWith('1.'))).toHaveLength(1);
		expect(v.matrix.filter((x: string) => x.startsWith('2.'))).toHaveLength(1);
		for (const x of [v.default, ...v.matrix]) expect(provision.resolveVersion(x)).toBe(x);
		expect(v.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		for (const reason of Object.values(v.refused))
			expect(reason).toMatch(/^n8n \S+ cannot be installed here: /);
	});

	test('only exact versions are accepted, so that a cache folder holds one known version', () => {
		for (const bad of ['2.x', 'latest', '^2.40.0', '2.40'])
			expect(() => provision.resolveVersion(bad)).toThrow(/not an exact n8n version/);
		expect(provision.resolveVersion('2.41.1')).toBe('2.41.1');
	});

	test('every version gets its own cache folder', () => {
		const saved = process.env.SAGE_ERP_N8N_CACHE;
		delete process.env.SAGE_ERP_N8N_CACHE;
		try {
			expect(provision.defaultCacheDir('1.123.81')).toMatch(/n8n-1\.123\.81$/);
			expect(provision.defaultCacheDir('2.40.7')).toMatch(/n8n-2\.40\.7$/);
		} finally {
			if (saved !== undefined) process.env.SAGE_ERP_N8N_CACHE = saved;
		}
	});

	test("1.x installs with the registry's xlsx instead of the sheetjs CDN tarball; 2.x needs no override", () => {
		expect(provision.installManifest('1.123.81')).toEqual({
			name: 'sage-erp-n8n',
			private: true,
			dependencies: { n8n: '1.123.81' },
			overrides: { xlsx: '0.18.5' },
		});
		expect(provision.installManifest('2.41.1')).toEqual({
			name: 'sage-erp-n8n',
			private: true,
			dependencies: { n8n: '2.41.1' },
		});
	});

	test('a version the registry cannot install is explained in one sentence that names the missing package', () => {
		expect(provision.explainInstallFailure('2.41.3', ETARGET)).toBe(
			'n8n 2.41.3 cannot be installed here: @n8n/agents@0.26.2 is not in the registry',
		);
		expect(provision.explainInstallFailure('2.99.0', E404)).toBe(
			'n8n 2.99.0 cannot be installed here: @n8n/no-such-package@1.2.3 is not in the registry',
		);
		expect(provision.explainInstallFailure('2.99.1', E404_BARE)).toBe(
			'n8n 2.99.1 cannot be installed here: @n8n/other is not in the registry',
		);
		expect(provision.explainInstallFailure('1.123.81', NETWORK)).toBe(
			'n8n 1.123.81 cannot be installed here: a dependency is downloaded from https://cdn.sheetjs.com/xlsx-0.20.2/xlsx-0.20.2.tgz, and cdn.sheetjs.com cannot be reached (getaddrinfo ENOTFOUND cdn.sheetjs.com)',
		);
		expect(provision.explainInstallFailure('2.40.7', 'gyp ERR! build error')).toBeNull();
	});

	test('the last 1.x is the newest patch of the highest 1.x minor', () => {
		const versions = ['1.9.0', '1.123.9', '1.123.81', '1.122.100', '2.0.0'].sort(compareVersions);
		expect(versions).toEqual(['1.9.0', '1.122.100', '1.123.9', '1.123.81', '2.0.0']);
		expect(lastOneX(versions)).toBe('1.123.81');
	});
});
