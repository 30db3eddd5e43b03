import {
	Kind,
	type DocumentNode,
	type FragmentDefinitionNode,
	type IntrospectionType,
	type SelectionSetNode,
	type TypeNode,
	type ValueNode,
} from 'graphql';

import { fieldOf, namedRef, type Roots } from './introspection';

/**
 * Which types a document needs, found by walking the schema's shape over the types loaded
 * so far: each walk stops where a type is not loaded yet and names it, so the next round of
 * targeted introspection asks for exactly those. Type names are never assumed: guesses by
 * Sage's naming (`Customer_Query`, `Customer_Connection`, ...) only ride along in the same
 * request, so that the usual document needs one round instead of one per level; whether a
 * guess was the right type is decided by the walk, never by its name.
 */

export interface SchemaLookup {
	roots?: Roots;
	/** A loaded type, null when Sage said it does not exist, undefined when not asked yet. */
	type(name: string): IntrospectionType | null | undefined;
}

export interface SchemaNeeds {
	roots: boolean;
	/** Types the walk reached but that are not loaded: they are needed. */
	missing: string[];
	/** Types that may be needed, by Sage's naming: asked for in the same request. */
	guesses: string[];
	/** Types to load with the types of their fields, one level more per request (introspection.ts). */
	expand?: string[];
}

/** What a record operation builds its documents from: the record type, its Fields, its mutation. */
export interface RecordNeed {
	recordType: string;
	/** The user's Fields, already parsed (empty: every scalar field). */
	selection?: SelectionSetNode;
	mutation?: boolean;
	/** Property paths a Filter or Order By names (`['currency', 'id']`): the types on them are loaded to check it. */
	paths?: readonly (readonly string[])[];
	/** What an Aggregate selects under `readAggregate` or `queryAggregate` (aggregate-documents.ts). */
	aggregate?: SelectionSetNode;
}

export const cap = (text: string): string => (text ? text[0].toUpperCase() + text.slice(1) : text);

export class Walk {
	readonly missing = new Set<string>();
	readonly guesses = new Set<string>();
	constructor(readonly lookup: SchemaLookup) {}

	/** The loaded type, or undefined after noting it as missing (with the types Sage names after it). */
	type(name: string): IntrospectionType | undefined {
		const type = this.lookup.type(name);
		if (type === undefined) {
			this.missing.add(name);
			const base = /^(.+)_(?:Collection|Query|Connection|Edge|Mutation)$/.exec(name)?.[1];
			if (base)
				for (const suffix of ['', '_Connection', '_Edge']) this.guesses.add(`${base}${suffix}`);
		}
		return type ?? undefined;
	}

	/** The named type of a field of a loaded type, loaded or noted missing. */
	follow(type: IntrospectionType | undefined, field: string): IntrospectionType | undefined {
		const ref = fieldOf(type, field);
		return ref ? this.type(namedRef(ref.type).name) : undefined;
	}

	needs(): SchemaNeeds {
		const guesses = [...this.guesses].filter(
			(name) => this.lookup.type(name) === undefined && !this.missing.has(name),
		);
		return { roots: !this.lookup.roots, missing: [...this.missing], guesses };
	}
}

/** Query root -> package -> node -> `query` connection -> edges -> node (the record), and the Mutation side. */
export function planRecord(need: RecordNeed, lookup: SchemaLookup): SchemaNeeds {
	const walk = new Walk(lookup);
	const [pkg, node] = need.recordType.split('.');
	const nodeType = cap(node ?? '');
	for (const suffix of [
		'_Query',
		'_Connection',
		'_Edge',
		'',
		...(need.mutation ? ['_Mutation'] : []),
	])
		walk.guesses.add(`${nodeType}${suffix}`);
	walk.guesses.add(`${cap(pkg)}_Query`).add('PageInfo');
	if (need.mutation) walk.guesses.add(`${cap(pkg)}_Mutation`);
	if (need.aggregate)
		for (const suffix of AGGREGATE_TYPES) walk.guesses.add(`${nodeType}${suffix}`);
	if (need.selection) guessSelection(need.selection, walk, []);
	const roots = lookup.roots;
	if (!roots || !node) return walk.needs();

	const nodeQuery = walk.follow(walk.follow(walk.type(roots.query), pkg), node);
	const connection = walk.follow(nodeQuery, 'query');
	walk.follow(connection, 'pageInfo'); // the query document pages with pageInfo { endCursor hasNextPage }
	const record = walk.follow(walk.follow(connection, 'edges'), 'node');
	walk.follow(nodeQuery, 'read');
	if (need.mutation && roots.mutation)
		walk.follow(walk.follow(walk.type(roots.mutation), pkg), node);
	if (record && need.selection) selectionNeeds(record, need.selection, new Map(), walk);
	if (record) for (const path of need.paths ?? []) pathNeeds(record, path, walk);
	if (nodeQuery && need.aggregate) selectionNeeds(nodeQuery, need.aggregate, new Map(), walk);
	return walk.needs();
}

/** Sage's names of an aggregate's types (`Customer_Aggregate`, ...): guesses only, the walk decides. */
const AGGREGATE_TYPES = [
	'_Aggregate',
	'_AggregateConnection',
	'_AggregateEdge',
	'_AggregateNode',
	'_AggregateGroup',
];

/**
 * A Filter's or Order By's property path from the record type: a reference goes on to its
 * type, a collection (a type with a `query` connection) to its child records. A key that is
 * no field (an operator such as `_and`, or a typo the check then names) stays on the type.
 */
function pathNeeds(record: IntrospectionType, path: readonly string[], walk: Walk): void {
	let type: IntrospectionType | undefined = record;
	for (const key of path) {
		const field = fieldOf(type, key);
		if (!field) continue;
		const { name, kind } = namedRef(field.type);
		if (kind !== 'OBJECT' && kind !== 'INTERFACE') return;
		type = walk.type(name);
		if (type && fieldOf(type, 'query'))
			type = walk.follow(walk.follow(walk.follow(type, 'query'), 'edges'), 'node');
		if (!type) return;
	}
}

/** Every type a user's document selects into, from each operation's root, and its variables' types. */
export function planDocument(document: DocumentNode, lookup: SchemaLookup): SchemaNeeds {
	const walk = new Walk(lookup);
	const fragments = new Map<string, FragmentDefinitionNode>();
	for (const definition of document.definitions)
		if (definition.kind === Kind.FRAGMENT_DEFINITION)
			fragments.set(definition.name.value, definition);
	for (const definition of document.definitions) {
		// A query's path goes through `_Query`, `_Connection` and `_Edge` types; a mutation's through `_Mutation` ones.
		const mutation =
			definition.kind === Kind.OPERATION_DEFINITION && definition.operation === 'mutation';
		if ('selectionSet' in definition && definition.selectionSet)
			guessSelection(
				definition.selectionSet,
				walk,
				mutation ? ['_Mutation'] : ['_Query', '_Connection', '_Edge'],
			);
	}
	const roots = lookup.roots;
	if (!roots) return walk.needs();
	for (const definition of document.definitions) {
		if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
		const rootName =
			definition.operation === 'query'
				? roots.query
				: definition.operation === 'mutation'
					? roots.mutation
					: roots.subscription;
		for (const variable of definition.variableDefinitions ?? []) {
			const name = typeName(variable.type);
			if (!BUILT_IN_SCALARS.has(name)) walk.type(name);
		}
		const root = rootName ? walk.type(rootName) : undefined;
		if (root) selectionNeeds(root, definition.selectionSet, fragments, walk);
	}
	return walk.needs();
}

const BUILT_IN_SCALARS = new Set(['String', 'Int', 'Float', 'Boolean', 'ID']);

function typeName(type: TypeNode): string {
	return type.kind === Kind.NAMED_TYPE ? type.name.value : typeName(type.type);
}

/** Walks a selection over a loaded type: sub-selections, fragments, and literal arguments of enum or input types. */
export function selectionNeeds(
	type: IntrospectionType,
	selectionSet: SelectionSetNode,
	fragments: Map<string, FragmentDefinitionNode>,
	walk: Walk,
	seen = new Set<string>(),
): void {
	for (const selection of selectionSet.selections) {
		if (selection.kind === Kind.FRAGMENT_SPREAD) {
			const fragment = fragments.get(selection.name.value);
			if (!fragment || seen.has(fragment.name.value)) continue;
			const on = walk.type(fragment.typeCondition.name.value);
			if (on)
				selectionNeeds(
					on,
					fragment.selectionSet,
					fragments,
					walk,
					new Set([...seen, fragment.name.value]),
				);
		} else if (selection.kind === Kind.INLINE_FRAGMENT) {
			const on = selection.typeCondition ? walk.type(selection.typeCondition.name.value) : type;
			if (on) selectionNeeds(on, selection.selectionSet, fragments, walk, seen);
		} else if (!selection.name.value.startsWith('__')) {
			const field = fieldOf(type, selection.name.value);
			if (!field) continue; // not a field of this type: validation says so
			for (const argument of selection.arguments ?? []) {
				const declared = field.args?.find((arg) => arg.name === argument.name.value);
				if (declared) literalNeeds(declared.type, argument.value, walk);
			}
			if (!selection.selectionSet) continue;
			const inner = walk.type(namedRef(field.type).name);
			if (inner) selectionNeeds(inner, selection.selectionSet, fragments, walk, seen);
		}
	}
}

/** A literal argument value is checked against its type: enums and input objects must be loaded. */
function literalNeeds(ref: Parameters<typeof namedRef>[0], value: ValueNode, walk: Walk): void {
	if (value.kind === Kind.VARIABLE || value.kind === Kind.NULL) return;
	const { name, kind } = namedRef(ref);
	if (kind !== 'ENUM' && kind !== 'INPUT_OBJECT') return;
	const type = walk.type(name);
	if (!type) return;
	const values = value.kind === Kind.LIST ? value.values : [value];
	for (const item of values) {
		if (item.kind !== Kind.OBJECT) continue;
		for (const field of item.fields) {
			const declared = fieldOf(type, field.name.value);
			if (declared) literalNeeds(declared.type, field.value, walk);
		}
	}
}

/**
 * Sage's names for what a field with a sub-selection may return: `currency` -> `Currency`;
 * in a whole document also the package and node types on the way to it (`suffixes`).
 */
function guessSelection(
	selectionSet: SelectionSetNode,
	walk: Walk,
	suffixes: readonly string[],
): void {
	for (const selection of selectionSet.selections) {
		if (selection.kind === Kind.FRAGMENT_SPREAD || !selection.selectionSet) continue;
		if (selection.kind === Kind.FIELD && !selection.name.value.startsWith('__')) {
			const name = cap(selection.name.value);
			walk.guesses.add(name);
			for (const suffix of suffixes) walk.guesses.add(`${name}${suffix}`);
		}
		guessSelection(selection.selectionSet, walk, suffixes);
	}
}
