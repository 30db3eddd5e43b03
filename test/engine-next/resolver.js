/**
 * jest resolver of `npm run test:engine-next`: n8n's packages, wherever they are imported from
 * (the tests, the harness, the built bundle in dist/), resolve from this folder, as if the
 * importing file sat here. Resolving from here (rather than mapping names to paths) keeps each
 * package's `exports` map in force: `zod/v4` must give its CommonJS build to a `require`.
 */
const path = require('path');

const N8N_PACKAGES = new Set(['n8n-core', 'n8n-workflow', '@n8n/di', '@n8n/backend-common', 'zod']);
const HERE = __dirname;

function packageName(request) {
	if (request.startsWith('.') || path.isAbsolute(request)) return undefined;
	const parts = request.split('/');
	return request.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

module.exports = (request, options) => {
	const fromHere = options.basedir.startsWith(HERE + path.sep);
	if (!fromHere && N8N_PACKAGES.has(packageName(request))) {
		return options.defaultResolver(request, { ...options, basedir: HERE });
	}
	return options.defaultResolver(request, options);
};
