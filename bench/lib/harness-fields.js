'use strict';
/**
 * The field list of a record type in a fresh process (issue 24: "the mapper's fields for
 * xtremSales.salesOrder ... in at most 2 requests, at most 400 ms at 150 ms of latency, cached
 * for the process after that"), and what a saved workflow holds with it.
 *   node harness-fields.js '<json: { packageDir, adminUrl, credential, recordType }>'
 * The list is the field mapper's of Create (version 2) when the package has one (a
 * resourceMapper parameter of Create), else the Fields to Return list, which loads the same
 * field layer. Prints one JSON line:
 *   { source, picking, first: { ms, requests, schemaRequests, bytes, fields }, second: {...}, saved: {...} }
 * picking: the Record Type list searched first, as the editor does before the fields load (it
 * pays the token exchange and the list's own request); first: the fields then; second: again.
 */
const { loadPackage, TestEngine, SAGE_NODE, simCounters } = require('./harness-boot');
const { loadOptionsContext } = require('./editor-lists');
const { sampleOrder } = require('./queries');

/** Create's resourceMapper parameter in version 2, when the package has one (the field mapper). */
function createMapper(pkg) {
	const type = pkg.getNodeType(SAGE_NODE);
	return type.description.properties.find(
		(p) =>
			p.type === 'resourceMapper' &&
			p.displayOptions?.show?.operation?.includes('create') &&
			p.displayOptions?.show?.['@version']?.includes(2),
	);
}

/** One way to load the list: the mapper's method, else the Fields to Return list. */
function fieldListLoader(engine, pkg, recordType) {
	const methods = pkg.getNodeType(SAGE_NODE).methods;
	const mapper = createMapper(pkg);
	const parameters = {
		resource: 'record',
		operation: 'create',
		recordType: { __rl: true, mode: 'id', value: recordType },
	};
	if (mapper) {
		const method = mapper.typeOptions.resourceMapper.resourceMapperMethod;
		const context = loadOptionsContext(engine, pkg, SAGE_NODE, parameters, mapper.name, 2);
		return {
			source: `field mapper (${mapper.name}, ${method})`,
			load: async () => (await methods.resourceMapping[method].call(context)).fields,
		};
	}
	const context = loadOptionsContext(engine, pkg, SAGE_NODE, parameters, 'fieldList', 2);
	return {
		source: 'Fields to Return list (getReturnFields; this build has no field mapper)',
		load: async () => await methods.loadOptions.getReturnFields.call(context),
	};
}

/** The Record Type list searched for the record type, as a user picks it; its results. */
async function pickFromList(engine, pkg, recordType) {
	const context = loadOptionsContext(
		engine,
		pkg,
		SAGE_NODE,
		{ resource: 'record' },
		'recordType',
		2,
	);
	const search = pkg.getNodeType(SAGE_NODE).methods.listSearch.searchRecordTypes;
	const found = await search.call(context, recordType.split('.')[1]);
	return found.results;
}

async function measured(args, load) {
	const before = await simCounters(args);
	const t0 = performance.now();
	const fields = await load();
	const ms = performance.now() - t0;
	const after = await simCounters(args);
	const diff = (key) => after[key] - before[key];
	return {
		ms,
		requests: diff('graphqlRequests'),
		schemaRequests: diff('graphqlIntrospections'),
		bytes: diff('graphqlBytes'),
		fields: fields.length,
		list: fields,
	};
}

const MAPPER_TYPES = {
	string: 'string',
	id: 'string',
	integer: 'number',
	number: 'number',
	boolean: 'boolean',
	date: 'dateTime',
	dateTime: 'dateTime',
	enum: 'options',
	json: 'object',
	collection: 'array',
	reference: 'string',
};

/** The writable fields as n8n's mapper stores them, from Describe (when there is no mapper to ask). */
async function mapperFieldsFromDescribe(engine, recordType) {
	const result = await engine.run({
		nodes: [
			{
				name: 'Describe',
				type: SAGE_NODE,
				typeVersion: 2,
				parameters: {
					resource: 'record',
					operation: 'describe',
					recordType: { __rl: true, mode: 'id', value: recordType },
				},
			},
		],
	});
	if (result.error) throw result.error;
	return result
		.items('Describe')
		.map((item) => item.json)
		.filter((field) => field.writable)
		.map((field) => ({
			id: field.name,
			displayName: field.label,
			required: field.requiredOnCreate,
			defaultMatch: false,
			canBeUsedToMatch: field.naturalKey,
			display: true,
			type: MAPPER_TYPES[field.type] ?? 'string',
			...(field.enumValues
				? { options: field.enumValues.map((value) => ({ name: value, value })) }
				: {}),
			removed: false,
		}));
}

/** The saved node of a version 1 Create (Data as JSON text) and of a mapped one, in bytes. */
function savedSizes(recordType, mapperName, schema) {
	const order = sampleOrder(0);
	const base = {
		id: '5f0c1a2b-0000-4000-8000-000000000001',
		name: 'Sage ERP',
		type: SAGE_NODE,
		position: [240, 0],
		credentials: { sageErpApi: { id: 'cred', name: 'Sage ERP account' } },
	};
	const recordTypeValue = { __rl: true, mode: 'list', value: recordType };
	const v1 = {
		...base,
		typeVersion: 1,
		parameters: {
			resource: 'record',
			operation: 'create',
			recordType: recordTypeValue,
			data: JSON.stringify(order, null, 2),
			fields: '_id number',
		},
	};
	const v2 = {
		...base,
		typeVersion: 2,
		parameters: {
			resource: 'record',
			operation: 'create',
			recordType: recordTypeValue,
			[mapperName]: {
				mappingMode: 'defineBelow',
				value: { ...order, lines: JSON.stringify(order.lines) },
				matchingColumns: [],
				schema,
				attemptToConvertTypes: false,
				convertFieldsToString: false,
			},
			fieldList: ['_id', 'number'],
		},
	};
	const bytes = (node) => Buffer.byteLength(JSON.stringify(node));
	const enumOptions = schema.reduce((n, field) => n + (field.options?.length ?? 0), 0);
	return {
		v1NodeBytes: bytes(v1),
		v2NodeBytes: bytes(v2),
		schemaFields: schema.length,
		enumOptions,
	};
}

async function main() {
	const args = JSON.parse(process.argv[2]);
	const pkg = await loadPackage(args.packageDir);
	const engine = new TestEngine(pkg, {
		credentials: { sageErpApi: { ...args.credential, id: 'bench', name: 'bench' } },
	});
	const { source, load } = fieldListLoader(engine, pkg, args.recordType);
	// As in the editor: the record type was picked from the Record Type list first (the token
	// and the list are then held), and its fields load when it is picked.
	const picking = await measured(args, () => pickFromList(engine, pkg, args.recordType));
	delete picking.list;
	const first = await measured(args, load);
	const second = await measured(args, load);
	const mapper = createMapper(pkg);
	const schema = mapper ? first.list : await mapperFieldsFromDescribe(engine, args.recordType);
	const saved = {
		...savedSizes(args.recordType, mapper ? mapper.name : 'columns', schema),
		schemaFrom: mapper ? 'the field mapper' : 'Describe (the fields the mapper would list)',
	};
	delete first.list;
	delete second.list;
	process.stdout.write(`${JSON.stringify({ source, picking, first, second, saved })}\n`);
}

main().then(
	() => process.exit(0),
	(err) => {
		process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
		process.exit(1);
	},
);
