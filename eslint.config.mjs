// n8n's community-node rules, in the self-hosted configuration: this package
// bundles undici, which n8n Cloud's stricter import rules would not allow.
import tseslint from 'typescript-eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'bench/**', 'scripts/**', 'examples/**', '*.js', '*.mjs'] },
	{
		files: ['**/*.ts'],
		languageOptions: { parser: tseslint.parser, parserOptions: { sourceType: 'module' } },
	},
	{
		// package.json is checked too (n8n section, no runtime dependencies, naming).
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
	},
	n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport,
	{
		// The transport layer knows nothing about n8n (design.md): it throws its own typed
		// SageErrors, and the operations turn them into NodeApiError/NodeOperationError.
		files: ['nodes/*/transport/**/*.ts'],
		rules: { '@n8n/community-nodes/require-node-api-error': 'off' },
	},
];
