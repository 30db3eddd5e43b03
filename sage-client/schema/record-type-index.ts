import { SCHEMA_OPERATION } from './introspection';

/**
 * The tenant's record types for the Record Type list, in one request that names packages
 * and their nodes, nothing more: about 50 KB for a real tenant's thousand node types,
 * where the whole schema is megabytes. (GraphQL servers refuse introspection that nests
 * `fields` three deep, so a node's own fields are not asked here: every object-typed field
 * of a package is listed, and whether it has a `query` connection is checked when used.)
 */
const NODE_LEVEL = 'fields { name type { kind name ofType { kind name } } }';

export function recordTypeIndexQuery(): string {
	return `query ${SCHEMA_OPERATION} { __schema { queryType { fields { name type { kind name ${NODE_LEVEL} ofType { kind name ${NODE_LEVEL} } } } } } }`;
}

interface Level {
	kind?: string | null;
	name?: string | null;
	fields?: Array<{ name: string; type?: Level | null }> | null;
	ofType?: Level | null;
}

/** A wrapped type's fields (`XtremMasterData_Query!` -> the fields of XtremMasterData_Query). */
const fieldsOf = (level: Level | null | undefined) => level?.fields ?? level?.ofType?.fields ?? [];
const isObject = (level: Level | null | undefined) =>
	(level?.kind === 'NON_NULL' ? level.ofType?.kind : level?.kind) === 'OBJECT';

export function readRecordTypeIndex(data: unknown): string[] {
	const root = (data as { __schema?: { queryType?: Level } } | null)?.__schema?.queryType;
	const names: string[] = [];
	for (const pkg of fieldsOf(root)) {
		for (const node of fieldsOf(pkg.type))
			if (isObject(node.type)) names.push(`${pkg.name}.${node.name}`);
	}
	return names.sort((a, b) => a.localeCompare(b));
}
