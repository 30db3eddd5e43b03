// Build: one esbuild bundle holds every class of the package together with the Sage client
// and the parts of graphql-js it uses, so the published package has no runtime dependencies
// and the process holds exactly one token cache, whichever node or credential n8n loads
// first. No HTTP stack is bundled: every request goes through n8n's own helper.
const { series, src, dest } = require('gulp');
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const DIST = path.join(__dirname, 'dist');
const BUNDLE = 'sage-erp.js';

// The files n8n loads (package.json "n8n" section) -> the class each one exports.
const ENTRY_FILES = {
	'credentials/SageErpApi.credentials.js': 'SageErpApi',
	'nodes/SageErp/SageErp.node.js': 'SageErp',
	'nodes/SageErpTrigger/SageErpTrigger.node.js': 'SageErpTrigger',
};

function clean(done) {
	fs.rmSync(DIST, { recursive: true, force: true });
	done();
}

async function bundle() {
	await esbuild.build({
		entryPoints: [path.join(__dirname, 'nodes', 'entry.ts')],
		outfile: path.join(DIST, BUNDLE),
		bundle: true,
		platform: 'node',
		target: 'node20',
		format: 'cjs',
		external: ['n8n-workflow'],
		// graphql-js's ES modules, so that only the modules the client uses are bundled.
		mainFields: ['module', 'main'],
		// graphql-js picks its production instanceof by reading globalThis.process, a global
		// that n8n's verification forbids in a package; decide it at build time instead.
		define: { 'globalThis.process': 'true', 'process.env.NODE_ENV': '"production"' },
		sourcemap: true,
		legalComments: 'linked',
		logLevel: 'warning',
	});
}

// graphql-js's MIT licence travels with the code of it that the bundle holds.
function licences(done) {
	const target = path.join(DIST, 'licenses');
	fs.mkdirSync(target, { recursive: true });
	fs.copyFileSync(require.resolve('graphql/LICENSE'), path.join(target, 'graphql-js.LICENSE'));
	done();
}

function entryFiles(done) {
	for (const [file, className] of Object.entries(ENTRY_FILES)) {
		const target = path.join(DIST, file);
		const relative = path
			.relative(path.dirname(target), path.join(DIST, BUNDLE))
			.split(path.sep)
			.join('/');
		fs.mkdirSync(path.dirname(target), { recursive: true });
		fs.writeFileSync(
			target,
			`'use strict';\nexports.${className} = require('./${relative}').${className};\n`,
		);
	}
	done();
}

function assets() {
	return src(['nodes/**/*.{svg,png,json}', 'credentials/**/*.{svg,png}'], {
		base: '.',
		encoding: false,
	}).pipe(dest(DIST));
}

exports.build = series(clean, bundle, entryFiles, assets, licences);
exports.default = exports.build;
