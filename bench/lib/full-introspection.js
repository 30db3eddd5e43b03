'use strict';
/**
 * The way a fresh process loaded the schema before targeted introspection: the whole schema
 * in one introspection request, built into a client schema and kept (the reference row of
 * scenario 5). Fresh process, token exchange included.
 *   node full-introspection.js '<json: { tokenUrl, client: { clientId, clientSecret, tenantId } }>'
 * Prints one JSON line: { ms, bytes, heapHeldKb }
 */
const { buildClientSchema, getIntrospectionQuery } = require('graphql');

async function main() {
	const { tokenUrl, client } = JSON.parse(process.argv[2]);
	global.gc();
	const heapBefore = process.memoryUsage().heapUsed;
	const t0 = performance.now();
	const token = await (
		await fetch(tokenUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(client),
		})
	).json();
	const res = await fetch(token.urls.graphQL, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${token.accessToken}` },
		body: JSON.stringify({
			query: getIntrospectionQuery({ descriptions: false }),
			operationName: 'IntrospectionQuery',
		}),
	});
	const text = await res.text();
	let schema = buildClientSchema(JSON.parse(text).data, { assumeValid: true });
	schema.getTypeMap();
	const ms = performance.now() - t0;
	global.gc();
	const heapHeldKb = Math.round((process.memoryUsage().heapUsed - heapBefore) / 1024);
	process.stdout.write(
		`${JSON.stringify({ ms, bytes: text.length, heapHeldKb, types: Object.keys(schema.getTypeMap()).length })}\n`,
	);
	schema = null;
}

main().then(
	() => process.exit(0),
	(err) => {
		process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
		process.exit(1);
	},
);
