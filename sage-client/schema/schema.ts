import {
	getNamedType,
	isLeafType,
	isObjectType,
	isNonNullType,
	type GraphQLArgument,
	type GraphQLField,
	type GraphQLObjectType,
	type GraphQLSchema,
} from 'graphql';

import type { GraphQLRequest, GraphQLResult } from '../transport/graphql';

/**
 * The tenant's GraphQL schema as far as this process loaded it (tenant-schema.ts: the types
 * a document needs, never the whole schema), and what the nodes need from it: which record
 * types exist (`package.node`), their fields, and the argument types of `query`, `read`,
 * `create`, `update` and `delete`.
 * Record types are found by the schema's shape, never by type names: a field of the
 * Query root is a package, a field of a package is a node, and a node is a type with a
 * `query` field returning a connection (`edges { node }`).
 */

/** What fetching the schema needs; `SageClient` is one. */
export interface GraphQLExecutor {
	graphqlUrl(signal?: AbortSignal): Promise<string>;
	/** Tenants may share one GraphQL URL (a cluster such as `/v1/fwd/prd1/api`) yet differ in schema. */
	readonly tenantId?: string;
	execute(request: GraphQLRequest): Promise<GraphQLResult>;
}

export type RecordMutationKind = 'create' | 'update' | 'delete';

type AnyField = GraphQLField<unknown, unknown>;

export interface RecordTypeInfo {
	/** `package.node`, e.g. `xtremMasterData.customer`. */
	recordType: string;
	packageName: string;
	nodeName: string;
	/** The type of one record (`edges.node`). */
	recordObject: GraphQLObjectType;
	queryField: AnyField;
	readField?: AnyField;
	mutations: Partial<Record<RecordMutationKind, AnyField>>;
}

export class SageSchema {
	private byName?: Map<string, RecordTypeInfo>;

	constructor(
		readonly schema: GraphQLSchema,
		readonly fetchedAt: number = Date.now(),
		/** Every record type of the tenant, when its list was loaded (record-type-index.ts). */
		private readonly listed: () => string[] | undefined = () => undefined,
	) {}

	/** Every record type's name: the tenant's list when loaded, else those this schema holds. */
	recordTypeNames(): string[] {
		return this.listed() ?? this.recordTypes().map((info) => info.recordType);
	}

	/** Every record type this schema holds, sorted by `package.node`. */
	recordTypes(): RecordTypeInfo[] {
		return [...this.index().values()];
	}

	recordType(name: string): RecordTypeInfo | undefined {
		return this.index().get(name);
	}

	private index(): Map<string, RecordTypeInfo> {
		this.byName ??= new Map(
			discoverRecordTypes(this.schema).map((info) => [info.recordType, info]),
		);
		return this.byName;
	}
}

/** Walks Query root -> package -> node -> `query` connection, and the same path under Mutation. */
export function discoverRecordTypes(schema: GraphQLSchema): RecordTypeInfo[] {
	const found: RecordTypeInfo[] = [];
	const queryRoot = schema.getQueryType();
	if (!queryRoot) return found;
	const mutationRoot = schema.getMutationType();
	for (const packageField of Object.values(queryRoot.getFields())) {
		const packageType = getNamedType(packageField.type);
		if (!isObjectType(packageType)) continue;
		const mutationPackage = mutationRoot?.getFields()[packageField.name];
		const mutationPackageType = mutationPackage ? getNamedType(mutationPackage.type) : undefined;
		for (const nodeField of Object.values(packageType.getFields())) {
			const nodeType = getNamedType(nodeField.type);
			if (!isObjectType(nodeType)) continue;
			const queryField = nodeType.getFields().query;
			const recordObject = queryField ? connectionNodeType(queryField) : undefined;
			if (!queryField || !recordObject) continue;
			const mutations: Partial<Record<RecordMutationKind, AnyField>> = {};
			if (mutationPackageType && isObjectType(mutationPackageType)) {
				const mutationNode = mutationPackageType.getFields()[nodeField.name];
				const mutationNodeType = mutationNode ? getNamedType(mutationNode.type) : undefined;
				if (mutationNodeType && isObjectType(mutationNodeType)) {
					const fields = mutationNodeType.getFields();
					for (const kind of ['create', 'update', 'delete'] as const) {
						if (fields[kind]) mutations[kind] = fields[kind];
					}
				}
			}
			found.push({
				recordType: `${packageField.name}.${nodeField.name}`,
				packageName: packageField.name,
				nodeName: nodeField.name,
				recordObject,
				queryField,
				readField: nodeType.getFields().read,
				mutations,
			});
		}
	}
	return found.sort((a, b) => a.recordType.localeCompare(b.recordType));
}

/** The record type behind a Relay connection field (`edges { node }`), if it is one. */
export function connectionNodeType(field: AnyField): GraphQLObjectType | undefined {
	const connection = getNamedType(field.type);
	if (!isObjectType(connection)) return undefined;
	const edges = connection.getFields().edges;
	const edge = edges ? getNamedType(edges.type) : undefined;
	if (!edge || !isObjectType(edge)) return undefined;
	const node = edge.getFields().node;
	const record = node ? getNamedType(node.type) : undefined;
	return record && isObjectType(record) ? record : undefined;
}

/**
 * The fields a record gives when the user names none: every scalar or enum field that
 * needs no argument, system fields (`_id`, `_createStamp`, ...) included, in schema order.
 */
export function scalarFieldNames(type: GraphQLObjectType): string[] {
	return Object.values(type.getFields())
		.filter((field) => {
			const named = getNamedType(field.type);
			if (!isLeafType(named)) return false;
			return !field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined);
		})
		.map((field) => field.name);
}

/** An argument of a field by name, or the field's only argument when the name differs. */
export function argumentOf(field: AnyField, preferred: string): GraphQLArgument | undefined {
	return (
		field.args.find((arg) => arg.name === preferred) ??
		(field.args.length === 1 ? field.args[0] : undefined)
	);
}
