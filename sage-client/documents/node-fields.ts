import { getNamedType, isObjectType, type GraphQLField } from 'graphql';

import type { RecordTypeInfo, SageSchema } from '../schema/schema';

/**
 * A field of a record type's own query or mutation type (`readAggregate`, `bulkUpdate`),
 * by walking root -> package -> node: the schema index knows only query, read, create,
 * update and delete, and these others are looked up where they are needed.
 */
export function nodeOperationField(
	schema: SageSchema,
	info: RecordTypeInfo,
	root: 'query' | 'mutation',
	name: string,
): GraphQLField<unknown, unknown> | undefined {
	const rootType =
		root === 'query' ? schema.schema.getQueryType() : schema.schema.getMutationType();
	const packageType = rootType && getNamedType(rootType.getFields()[info.packageName]?.type);
	if (!packageType || !isObjectType(packageType)) return undefined;
	const nodeType = getNamedType(packageType.getFields()[info.nodeName]?.type);
	if (!nodeType || !isObjectType(nodeType)) return undefined;
	return nodeType.getFields()[name];
}
