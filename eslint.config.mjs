// n8n's community-node rules, in the configuration n8n Cloud applies (no bundled HTTP stack,
// no restricted globals or imports). `npm run scan` runs n8n's own scanner on top of this.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

export default [
	{ ignores: ['dist/**', '**/node_modules/**', 'bench/tmp/**', '.n8n-e2e/**', 'examples/**'] },
	{
		files: ['**/*.ts'],
		languageOptions: { parser: tseslint.parser, parserOptions: { sourceType: 'module' } },
	},
	{
		// package.json is checked too (n8n section, no runtime dependencies, naming).
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
	},
	// Where n8n's scanner applies these rules: the node and credential sources and package.json.
	// Its tarball leg then checks the bundle, the Sage client included, for globals and imports.
	{
		...n8nCommunityNodesPlugin.configs.recommended,
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'n8n-transport/**/*.ts', 'package.json'],
	},
	{
		// The Sage client knows nothing about n8n (docs/architecture.md): it is handed a port
		// to send through, and the nodes turn its coded errors into n8n errors at their edge.
		files: ['sage-client/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['n8n-*', '@n8n/*', '**/nodes/**', '**/credentials/**', '**/n8n-transport/**'],
							message: 'The Sage client stays n8n-free: hand it what it needs through its options.',
						},
					],
				},
			],
			'no-restricted-globals': [
				'error',
				...[
					'process',
					'global',
					'globalThis',
					'__dirname',
					'__filename',
					'setTimeout',
					'setInterval',
					'setImmediate',
					'clearTimeout',
					'clearInterval',
					'clearImmediate',
				].map((name) => ({
					name,
					message: 'n8n’s verification forbids this global in a community package.',
				})),
			],
		},
	},
	// The tests, the simulator, the benchmarks and the scripts never ship: TypeScript's and
	// JavaScript's recommended rules, with `any` allowed in tests, where fixtures and n8n's
	// run data are loosely typed on purpose.
	...tseslint.configs.recommended.map((config) => ({ ...config, files: ['test/**/*.ts'] })),
	{ files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
	{
		files: ['scripts/**/*.js', 'bench/**/*.js', '*.js'],
		...js.configs.recommended,
		languageOptions: { globals: { ...globals.node }, sourceType: 'commonjs' },
	},
	{
		files: ['scan/**/*.mjs', '*.mjs'],
		...js.configs.recommended,
		languageOptions: { globals: { ...globals.node }, sourceType: 'module' },
	},
];
