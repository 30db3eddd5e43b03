// Build: one esbuild bundle holds every class of the package together with undici and
// graphql, so the published package has no runtime dependencies and the process holds
// exactly one token cache, whichever node or credential n8n loads first.
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
		sourcemap: true,
		legalComments: 'linked',
		logLevel: 'warning',
	});
}

function entryFiles(done) {
	for (const [file, className] of Object.entries(ENTRY_FILES)) {
		const target = path.join(DIST, file);
		const relative = path.relative(path.dirname(target), path.join(DIST, BUNDLE)).split(path.sep).join('/');
		fs.mkdirSync(path.dirname(target), { recursive: true });
		fs.writeFileSync(target, `'use strict';\nexports.${className} = require('./${relative}').${className};\n`);
	}
	done();
}

function assets() {
	return src(['nodes/**/*.{svg,png,json}', 'credentials/**/*.{svg,png}'], { base: '.', encoding: false }).pipe(dest(DIST));
}

exports.build = series(clean, bundle, entryFiles, assets);
exports.default = exports.build;
