/**
 * Which schema a simulator serves: the small one of the hand-written node types (the
 * default), or the realistic one (realistic-model.ts); and releases of it, as Sage ships
 * monthly (2025.R7, R8, ...) without a versioned endpoint: a saved workflow meets a
 * renamed field. A release renames fields in what the API shows (queries, reads, mutation
 * input); the stored records keep their values, so the renamed field reads what the old one
 * held. Filters and orderBy keep the stored names **(choice: a simulator shortcut)**.
 */
import type { GraphQLSchema } from 'graphql';
import { NODES, NodeDef, PropDef, nodeDef } from './model';
import { realisticNodes } from './realistic-model';
import { buildSchemaOf, getSchema } from './schema';

export type SchemaScale = 'small' | 'real';

export interface SchemaRelease {
	/** e.g. '2025.R8'. */
	name: string;
	/** Fields shown under a new name from this release on. */
	renames?: Array<{ recordType: string; from: string; to: string }>;
}

const built = new Map<string, GraphQLSchema>();

/** The node types of a scale, before any release. */
export function nodesOf(scale: SchemaScale): NodeDef[] {
	return scale === 'real' ? [...NODES, ...realisticNodes()] : NODES;
}

/** The schema of a scale and release; built once per process for each (a realistic one takes a second or two). */
export function schemaFor(scale: SchemaScale, release?: SchemaRelease): GraphQLSchema {
	if (scale === 'small' && !release) return getSchema();
	const key = JSON.stringify([scale, release ?? null]);
	let schema = built.get(key);
	if (!schema) {
		schema = buildSchemaOf(releaseNodes(nodesOf(scale), release));
		built.set(key, schema);
	}
	return schema;
}

function releaseNodes(nodes: NodeDef[], release: SchemaRelease | undefined): NodeDef[] {
	const renames = release?.renames ?? [];
	for (const { recordType, from } of renames) {
		if (!nodeDef(recordType).propMap.has(from))
			throw new Error(`Release ${release!.name}: ${recordType} has no field '${from}'`);
	}
	return nodes.map((def) => {
		const own = renames.filter((r) => r.recordType === def.recordType);
		if (!own.length) return def;
		const props = def.props.map((p): PropDef => {
			const rename = own.find((r) => r.from === p.name);
			return rename ? ({ ...p, name: rename.to, storedAs: p.name } as PropDef) : p;
		});
		return { ...def, props, propMap: new Map(props.map((p) => [p.name, p])) };
	});
}
