import {
	getNamedType,
	isLeafType,
	isNonNullType,
	isObjectType,
	type GraphQLField,
	type GraphQLObjectType,
	type GraphQLSchema,
} from 'graphql';

import { SageDocumentError } from '../transport/errors';
import type { SageSchema } from './schema';

/**
 * Sage's asynchronous operations, found in the schema by their shape (Sage's developer
 * guides: "a mutation `start(...) { trackingId }`, then a query `track(trackingId: ...) {
 * status result { ... } }`"): under the Mutation root, package -> node -> operation, whose
 * type has `start` answering an object with `trackingId`; under the Query root (or, failing
 * that, the Mutation root) the same path, whose type has `track` taking the tracking ID and
 * answering an object with `status`. The name is `package.node.operation`, e.g.
 * `xtremReporting.report.generateReportPdf`.
 */

type AnyField = GraphQLField<unknown, unknown>;

export interface AsyncOperationInfo {
	/** `package.node.operation`. */
	name: string;
	packageName: string;
	nodeName: string;
	operationName: string;
	start: AnyField;
	track: AnyField;
	/** The root `track` sits under. */
	trackRoot: 'query' | 'mutation';
	/** What `track` answers: `status`, maybe `errorMessage`, and `result`. */
	tracking: GraphQLObjectType;
}

const found = new WeakMap<GraphQLSchema, AsyncOperationInfo[]>();

/** Every asynchronous operation of the schema, sorted by name (found once per schema). */
export function asyncOperations(schema: SageSchema): AsyncOperationInfo[] {
	let list = found.get(schema.schema);
	if (!list) found.set(schema.schema, (list = discover(schema.schema)));
	return list;
}

/**
 * The operation by name, or an error naming similar ones: from `known` (the tenant's list,
 * async-operation-index.ts) when given, else from those this schema holds.
 */
export function requireAsyncOperation(
	schema: SageSchema,
	name: string,
	known?: readonly string[],
): AsyncOperationInfo {
	const wanted = name.trim();
	const info = asyncOperations(schema).find((candidate) => candidate.name === wanted);
	if (info) return info;
	const all = known ?? asyncOperations(schema).map((candidate) => candidate.name);
	const last = wanted.split('.').pop()?.toLowerCase() ?? '';
	const similar = all.filter((candidate) => candidate.split('.').pop()?.toLowerCase() === last);
	throw new SageDocumentError(
		`The asynchronous operation "${wanted}" does not exist in this Sage tenant.`,
		similar.length
			? `Did you mean ${similar.join(' or ')}? Asynchronous operations are written package.node.operation.`
			: `Pick one from the list; they are written package.node.operation, e.g. xtremReporting.report.generateReportPdf${all.length ? '' : ' (this tenant’s schema shows none)'}.`,
		'Asynchronous Operation',
	);
}

function discover(schema: GraphQLSchema): AsyncOperationInfo[] {
	const mutationRoot = schema.getMutationType();
	if (!mutationRoot) return [];
	const operations: AsyncOperationInfo[] = [];
	for (const [packageName, nodeName, operationName, operationField] of pathsOfDepthThree(
		mutationRoot,
	)) {
		const start = objectField(operationField, 'start');
		if (!start || !objectField(start, 'trackingId')) continue;
		const trackAt = (root: GraphQLObjectType | null | undefined) => {
			const operation =
				root &&
				objectField(
					objectField(objectField(root.getFields()[packageName], nodeName), operationName),
					'track',
				);
			return operation && operation.args.length >= 1 && objectField(operation, 'status')
				? operation
				: undefined;
		};
		const fromQuery = trackAt(schema.getQueryType());
		const track = fromQuery ?? trackAt(mutationRoot);
		if (!track) continue;
		const tracking = getNamedType(track.type) as GraphQLObjectType;
		const name = `${packageName}.${nodeName}.${operationName}`;
		operations.push({
			name,
			packageName,
			nodeName,
			operationName,
			start,
			track,
			trackRoot: fromQuery ? 'query' : 'mutation',
			tracking,
		});
	}
	return operations.sort((a, b) => a.name.localeCompare(b.name));
}

/** root -> package -> node -> operation, each step a field answering an object. */
function* pathsOfDepthThree(
	root: GraphQLObjectType,
): Generator<[string, string, string, AnyField]> {
	for (const packageField of Object.values(root.getFields())) {
		for (const nodeField of objectFields(packageField)) {
			for (const operationField of objectFields(nodeField))
				yield [packageField.name, nodeField.name, operationField.name, operationField];
		}
	}
}

function objectFields(field: AnyField | undefined): AnyField[] {
	const type = field && getNamedType(field.type);
	return type && isObjectType(type) ? Object.values(type.getFields()) : [];
}

function objectField(field: AnyField | undefined, name: string): AnyField | undefined {
	return objectFields(field).find((candidate) => candidate.name === name);
}

/** The argument `track` takes the tracking ID in: `trackingId`, else its only required one, else its first. */
export function trackingArgument(info: AsyncOperationInfo) {
	const args = info.track.args;
	return (
		args.find((arg) => arg.name === 'trackingId') ??
		args.find((arg) => isNonNullType(arg.type)) ??
		args[0]
	);
}

/** The scalar fields `track` answers besides `result` (status, errorMessage, ...), in schema order. */
export function trackingScalars(info: AsyncOperationInfo): string[] {
	return Object.values(info.tracking.getFields())
		.filter(
			(field) =>
				field.name !== 'result' &&
				isLeafType(getNamedType(field.type)) &&
				!field.args.some((arg) => isNonNullType(arg.type)),
		)
		.map((field) => field.name);
}
