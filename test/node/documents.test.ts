/**
 * The pure parts of the node's transport (schema walking, documents, paging) against a
 * small schema of our own whose type names follow no convention: record types must be
 * found by the schema's shape alone.
 */
import { buildSchema, parse } from 'graphql';

import {
	buildMutationDocument,
	buildQueryDocument,
	buildReadDocument,
	checkOperationDocument,
	findCursorConnection,
	mergeMutations,
	recordSelection,
	requireRecordType,
} from '../../sage-client/documents';
import { connectionPage, followCursor, type Page } from '../../sage-client/client/paginate';
import { SageSchema, scalarFieldNames } from '../../sage-client/schema/schema';
import { SageDocumentError } from '../../sage-client/transport/errors';

const SDL = `
	scalar Money
	enum Mood { happy sad }
	type Info { endCursor: String hasNextPage: Boolean! }
	type Kunde { _id: String! name: String mood: Mood balance: Money tags: [String] land: Land lines(first: Int!): Lines _customData: String }
	type Land { code: String }
	type Lines { edges: [LinesEdge] }
	type LinesEdge { node: Kunde }
	type KundeVerbindung { pageInfo: Info edges: [KundeKante!]! }
	type KundeKante { cursor: String node: Kunde! }
	type KundeLesen { query(filter: String, orderBy: String, first: Int, after: String): KundeVerbindung! read(_id: String!): Kunde lookup: Kunde }
	type NotARecord { query: String }
	type Paket { kunde: KundeLesen other: NotARecord }
	input KundeEingabe { _id: String name: String mood: Mood }
	type KundeSchreiben { create(data: KundeEingabe!): Kunde update(data: KundeEingabe!): Kunde delete(_id: String!): Int }
	type PaketSchreiben { kunde: KundeSchreiben }
	type Query { verkauf: Paket version: String }
	type Mutation { verkauf: PaketSchreiben }
`;
const schema = new SageSchema(buildSchema(SDL));

function failure(fn: () => unknown): SageDocumentError {
	try {
		fn();
	} catch (error) {
		if (error instanceof SageDocumentError) return error;
		throw error;
	}
	throw new Error('expected a SageDocumentError');
}

describe('record types are found by the schema’s shape', () => {
	test('Query -> package -> node with a query connection; everything else is ignored', () => {
		expect(schema.recordTypes().map((info) => info.recordType)).toEqual(['verkauf.kunde']);
		const info = requireRecordType(schema, 'verkauf.kunde');
		expect(info.recordObject.name).toBe('Kunde');
		expect(Object.keys(info.mutations).sort()).toEqual(['create', 'delete', 'update']);
	});

	test('an unknown record type is refused, suggesting the right package', () => {
		const error = failure(() => requireRecordType(schema, 'xtremSales.kunde'));
		expect(error.message).toBe(
			'The record type "xtremSales.kunde" does not exist in this Sage tenant.',
		);
		expect(error.hint).toContain('Did you mean verkauf.kunde?');
	});

	test('the default fields are the scalars and enums without required arguments', () => {
		expect(scalarFieldNames(requireRecordType(schema, 'verkauf.kunde').recordObject)).toEqual([
			'_id',
			'name',
			'mood',
			'balance',
			'tags',
			'_customData',
		]);
	});
});

describe('record documents', () => {
	const info = requireRecordType(schema, 'verkauf.kunde');

	test('Get Many declares the connection arguments with the schema’s types and holds no user value', () => {
		const document = buildQueryDocument(schema, info, '_id name land { code }');
		expect(document.text).toBe(
			'query SageErpGetMany($filter: String, $orderBy: String, $first: Int, $after: String) { verkauf { kunde { ' +
				'query(filter: $filter, orderBy: $orderBy, first: $first, after: $after) { pageInfo { endCursor hasNextPage } ' +
				'edges { node {\n  _id\n  name\n  land {\n    code\n  }\n} } } } } }',
		);
		expect([...document.arguments]).toEqual(['filter', 'orderBy', 'first', 'after']);
		expect(document.path).toEqual(['verkauf', 'kunde', 'query']);
	});

	test('an unknown field fails before sending, naming it', () => {
		const error = failure(() => buildQueryDocument(schema, info, '_id nmae'));
		expect(error.message).toBe(
			'Fields: Cannot query field "nmae" on type "Kunde". Did you mean "name"?',
		);
		expect(error.parameter).toBe('Fields');
	});

	test('a reference without sub-fields fails, saying what to write', () => {
		expect(failure(() => buildQueryDocument(schema, info, 'land')).message).toContain(
			'Field "land" of type "Land" must have a selection of subfields',
		);
	});

	test('a syntax error in Fields names the user’s line and column', () => {
		const error = failure(() => recordSelection(info, '_id\nname {'));
		expect(error.message).toBe(
			'Fields has a GraphQL syntax error at line 2, column 7: Expected Name, found the end of the text.',
		);
		expect(error.location).toEqual({ line: 2, column: 7 });
	});

	test('Fields cannot smuggle in a second operation', () => {
		expect(failure(() => recordSelection(info, '_id } mutation { x')).message).toBe(
			'Fields must be a list of fields, not a GraphQL document.',
		);
	});

	test('read takes the id as a variable of the argument’s type', () => {
		const document = buildReadDocument(schema, info, 'name');
		expect(document.text).toContain('query SageErpGet($id: String!)');
		expect(document.text).toContain('read(_id: $id)');
	});

	test('a batch of mutations is one document with one alias and one typed variable per record', () => {
		const document = buildMutationDocument(schema, info, 'create', 3, '_id');
		expect(document.text).toBe(
			'mutation SageErpCreate($d0: KundeEingabe!, $d1: KundeEingabe!, $d2: KundeEingabe!) { verkauf { kunde { ' +
				'm0: create(data: $d0) {\n  _id\n} m1: create(data: $d1) {\n  _id\n} m2: create(data: $d2) {\n  _id\n} } } }',
		);
		const deletion = buildMutationDocument(schema, info, 'delete', 2, '');
		expect(deletion.text).toContain('m1: delete(_id: $d1) }');
		expect(deletion.returnsRecord).toBe(false);
	});
});

describe('user documents', () => {
	test('a syntax error names line and column', () => {
		const error = failure(() =>
			checkOperationDocument('query {\n  verkauf {\n    kunde(\n}', 'query', undefined, 'Query'),
		);
		expect(error.message).toBe(
			'Query has a GraphQL syntax error at line 4, column 1: Expected Name, found "}".',
		);
	});

	test('a mutation is refused under Query, and a query under Mutation', () => {
		expect(
			failure(() =>
				checkOperationDocument(
					'mutation M { verkauf { kunde { delete(_id: "1") } } }',
					'query',
					undefined,
					'Query',
				),
			).message,
		).toBe('"M" is a mutation, but this is the Query operation; nothing was sent.');
		expect(
			failure(() => checkOperationDocument('{ version }', 'mutation', undefined, 'Mutation'))
				.message,
		).toBe('The document is a query, but this is the Mutation operation; nothing was sent.');
	});

	test('with several operations, Operation Name selects one', () => {
		const text = 'query A { version } mutation B { verkauf { kunde { delete(_id: "1") } } }';
		expect(failure(() => checkOperationDocument(text, 'query', undefined, 'Query')).message).toBe(
			'Query holds 2 operations (A, B); set Operation Name to choose one.',
		);
		expect(checkOperationDocument(text, 'query', 'A', 'Query').operationName).toBe('A');
		expect(failure(() => checkOperationDocument(text, 'query', 'C', 'Query')).message).toBe(
			'Operation Name "C" is not an operation of Query; it has: A, B.',
		);
	});

	test('the connection to page through is the one called with after: $after that selects pageInfo', () => {
		const checked = checkOperationDocument(
			`query Q($after: String, $first: Int) { verkauf { k: kunde { ...Page } } }
			 fragment Page on KundeLesen { query(first: $first, after: $after) { info: pageInfo { endCursor more: hasNextPage } edges { node { _id } } } }`,
			'query',
			undefined,
			'Query',
		);
		expect(findCursorConnection(checked).connection).toEqual({
			path: ['verkauf', 'k', 'query'],
			pageInfoKey: 'info',
			endCursorKey: 'endCursor',
			hasNextPageKey: 'more',
			declaresFirst: true,
		});
		const noAfter = checkOperationDocument(
			'{ verkauf { kunde { query { pageInfo { endCursor hasNextPage } } } } }',
			'query',
			undefined,
			'Query',
		);
		expect(findCursorConnection(noAfter)).toEqual({
			reason: 'the document declares no $after variable',
		});
	});

	test('merged mutations rename variables and fragments per member and alias their top-level fields', () => {
		const member = (name: string) => ({
			checked: checkOperationDocument(
				'mutation M($data: KundeEingabe!) { verkauf { kunde { create(data: $data) { ...F } } } } fragment F on Kunde { _id }',
				'mutation',
				undefined,
				'Mutation',
			),
			variables: { data: { name } },
		});
		const merged = mergeMutations([member('a'), member('b')]);
		expect(merged?.variables).toEqual({ v0_data: { name: 'a' }, v1_data: { name: 'b' } });
		expect(merged?.prefixes).toEqual(['b0_', 'b1_']);
		const document = parse(merged?.text ?? '');
		expect(
			document.definitions.map((definition) =>
				'name' in definition ? definition.name?.value : '',
			),
		).toEqual(['SageErpMutationBatch', 'f0_F', 'f1_F']);
		expect(merged?.text).toContain('b1_verkauf: verkauf {');
		expect(merged?.text).toContain('create(data: $v1_data)');
	});
});

describe('followCursor', () => {
	const pages: Array<Page<number>> = [
		{ nodes: [1, 2, 3], endCursor: 'a', hasNextPage: true },
		{ nodes: [4, 5, 6], endCursor: 'b', hasNextPage: true },
		{ nodes: [7], endCursor: 'c', hasNextPage: false },
	];

	async function collect(limit?: number) {
		const requests: Array<{ first: number; after?: string }> = [];
		const seen: number[] = [];
		for await (const page of followCursor<number>(
			async (request) => {
				requests.push(request);
				return pages[requests.length - 1];
			},
			{ pageSize: 3, limit },
		)) {
			seen.push(...page.nodes);
		}
		return { requests, seen };
	}

	test('follows every page, each asked after the previous cursor', async () => {
		const { requests, seen } = await collect();
		expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
		expect(requests).toEqual([
			{ first: 3, after: undefined },
			{ first: 3, after: 'a' },
			{ first: 3, after: 'b' },
		]);
	});

	test('stops exactly at the limit and asks for no more than it needs', async () => {
		const { requests, seen } = await collect(4);
		expect(seen).toEqual([1, 2, 3, 4]);
		expect(requests).toEqual([
			{ first: 3, after: undefined },
			{ first: 1, after: 'a' },
		]);
	});

	test('a repeated cursor stops the loop with an error', async () => {
		const same = async () => ({ nodes: [1], endCursor: 'x', hasNextPage: true });
		await expect(async () => {
			for await (const page of followCursor<number>(same, { pageSize: 1 })) void page;
		}).rejects.toThrow(
			'Sage reported more pages but returned the same page again; the paging was stopped.',
		);
	});

	test('connectionPage reads nodes and page info under the given keys', () => {
		expect(
			connectionPage(
				{ info: { endCursor: 'c', more: true }, edges: [{ node: { a: 1 } }] },
				{ pageInfo: 'info', hasNextPage: 'more' },
			),
		).toEqual({
			nodes: [{ a: 1 }],
			endCursor: 'c',
			hasNextPage: true,
		});
	});
});
