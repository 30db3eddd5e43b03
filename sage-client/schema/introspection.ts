import {
	buildClientSchema,
	type GraphQLSchema,
	type IntrospectionDirective,
	type IntrospectionQuery,
	type IntrospectionType,
	type IntrospectionTypeRef,
} from 'graphql';

/**
 * Targeted introspection: the texts that ask Sage for a few named types (`__type(name:)`,
 * batched under aliases) instead of the whole schema, and the partial schema built from
 * what came back. A real tenant's schema is megabytes; a document needs a few dozen types.
 */

/**
 * What a type's introspection holds here: the standard fields, the type's own description
 * (natural-key.ts reads a record type's natural key there) and its input fields' descriptions
 * (fields/record-fields.ts reads "Required on create" there); other descriptions stay out.
 */
const TYPE_FRAGMENTS = `fragment SageErpType on __Type { kind name description fields(includeDeprecated: true) { name args { ...SageErpInput } type { ...SageErpRef } isDeprecated deprecationReason } inputFields { ...SageErpInput description } interfaces { ...SageErpRef } enumValues(includeDeprecated: true) { name isDeprecated deprecationReason } possibleTypes { ...SageErpRef } }
fragment SageErpInput on __InputValue { name type { ...SageErpRef } defaultValue }
fragment SageErpRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }`;

export const SCHEMA_OPERATION = 'SageErpSchema';

/** Root types and directives, asked for once per tenant schema. */
const ROOTS = `__schema { queryType { ...SageErpType } mutationType { ...SageErpType } subscriptionType { name } directives { name locations args { ...SageErpInput } } }`;

/**
 * A type together with the types its fields answer, under the alias `deep`: one level more
 * per request where a path's type names cannot be guessed (asynchronous operations). Two
 * nested `fields` at most: GraphQL servers refuse introspection three lists deep.
 */
const DEEP_FRAGMENT = `fragment SageErpDeep on __Type { ...SageErpType ofType { ...SageErpType ofType { ...SageErpType ofType { ...SageErpType } } } }`;

/**
 * One request: the roots when asked, and each named type under its own alias (`t0`, `t1`,
 * ...); those in `expand` also with the types of their fields (`deep`).
 */
export function typesQuery(
	names: string[],
	withRoots: boolean,
	expand: ReadonlySet<string> = new Set(),
): string {
	let deep = false;
	const selections = names.map((name, index) => {
		const expanded = expand.has(name);
		deep ||= expanded;
		const more = expanded
			? ' deep: fields(includeDeprecated: true) { type { ...SageErpDeep } }'
			: '';
		return `t${index}: __type(name: ${JSON.stringify(name)}) { ...SageErpType${more} }`;
	});
	if (withRoots) selections.unshift(ROOTS);
	const fragments = deep ? `${TYPE_FRAGMENTS}\n${DEEP_FRAGMENT}` : TYPE_FRAGMENTS;
	return `query ${SCHEMA_OPERATION} { ${selections.join(' ')} }\n${fragments}`;
}

export interface Roots {
	query: string;
	mutation?: string;
	subscription?: string;
	directives: readonly IntrospectionDirective[];
}

/** The name under the wrappers (`[Customer_Edge!]!` -> `Customer_Edge`) and its kind. */
export function namedRef(ref: IntrospectionTypeRef): { name: string; kind: string } {
	let current = ref as IntrospectionTypeRef & {
		ofType?: IntrospectionTypeRef | null;
		name?: string;
	};
	while ((current.kind === 'NON_NULL' || current.kind === 'LIST') && current.ofType)
		current = current.ofType as typeof current;
	return { name: current.name ?? '', kind: current.kind };
}

/** A field (or input field) of a loaded type, by name. */
export function fieldOf(
	type: IntrospectionType | null | undefined,
	name: string,
):
	| { type: IntrospectionTypeRef; args?: readonly { name: string; type: IntrospectionTypeRef }[] }
	| undefined {
	if (!type) return undefined;
	if ('fields' in type && type.fields) return type.fields.find((field) => field.name === name);
	if ('inputFields' in type && type.inputFields)
		return type.inputFields.find((field) => field.name === name);
	return undefined;
}

/**
 * A GraphQLSchema of the loaded types; every type they name but that was not loaded is a
 * stub of the right kind without fields. Documents are only checked against it once every
 * type they select into is loaded (schema-plans.ts), so a stub is never entered.
 */
export function partialSchema(roots: Roots, loaded: Iterable<IntrospectionType>): GraphQLSchema {
	const types = new Map<string, IntrospectionType>();
	for (const type of loaded) types.set(type.name, type);
	const refs: IntrospectionTypeRef[] = [];
	for (const type of types.values()) refs.push(...referencesOf(type));
	for (const directive of roots.directives) refs.push(...directive.args.map((arg) => arg.type));
	for (const ref of refs) {
		const { name, kind } = namedRef(ref);
		if (name && !types.has(name)) types.set(name, stub(name, kind));
	}
	const query: IntrospectionQuery = {
		__schema: {
			queryType: { kind: 'OBJECT', name: roots.query },
			mutationType: roots.mutation ? { kind: 'OBJECT', name: roots.mutation } : null,
			subscriptionType: null,
			types: [...types.values()],
			directives: roots.directives,
		},
	} as IntrospectionQuery;
	return buildClientSchema(query, { assumeValid: true });
}

function referencesOf(type: IntrospectionType): IntrospectionTypeRef[] {
	const refs: IntrospectionTypeRef[] = [];
	if ('fields' in type && type.fields)
		for (const field of type.fields) refs.push(field.type, ...field.args.map((arg) => arg.type));
	if ('inputFields' in type && type.inputFields)
		refs.push(...type.inputFields.map((field) => field.type));
	if ('interfaces' in type && type.interfaces) refs.push(...type.interfaces);
	if ('possibleTypes' in type && type.possibleTypes) refs.push(...type.possibleTypes);
	return refs;
}

function stub(name: string, kind: string): IntrospectionType {
	switch (kind) {
		case 'SCALAR':
			return { kind: 'SCALAR', name } as IntrospectionType;
		case 'ENUM':
			return { kind: 'ENUM', name, enumValues: [] } as unknown as IntrospectionType;
		case 'INPUT_OBJECT':
			return { kind: 'INPUT_OBJECT', name, inputFields: [] } as unknown as IntrospectionType;
		case 'UNION':
			return { kind: 'UNION', name, possibleTypes: [] } as unknown as IntrospectionType;
		case 'INTERFACE':
			return {
				kind: 'INTERFACE',
				name,
				fields: [],
				interfaces: [],
				possibleTypes: [],
			} as unknown as IntrospectionType;
		default:
			return { kind: 'OBJECT', name, fields: [], interfaces: [] } as unknown as IntrospectionType;
	}
}
