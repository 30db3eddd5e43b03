import { SCHEMA_OPERATION } from './introspection';

/**
 * The tenant's asynchronous operations for the Asynchronous Operation list, found by shape
 * (async-operations.ts) in three small requests instead of the whole schema: the Mutation
 * root's packages and their nodes; each node's mutations (names, argument names, answer
 * types); then, for the fields without arguments that answer an object (a node's
 * operations, where create or delete take arguments), whether that object has `start`
 * answering an object with `trackingId`. The `track` side is checked when one is used.
 * GraphQL servers refuse introspection three `fields` deep, so each request goes two deep.
 */

type Send = (query: string) => Promise<Record<string, unknown> | null>;

interface Level {
	kind?: string | null;
	name?: string | null;
	args?: Array<{ name: string }> | null;
	fields?: Array<{
		name: string;
		args?: Array<{ name: string }> | null;
		type?: Level | null;
	}> | null;
	ofType?: Level | null;
}

const REF = 'kind name ofType { kind name ofType { kind name } }';
const NODE_LEVEL = `fields { name type { ${REF} } }`;

/** The named type under NON_NULL and LIST wrappers. */
function unwrap(level: Level | null | undefined): Level | undefined {
	let current = level ?? undefined;
	while (current && (current.kind === 'NON_NULL' || current.kind === 'LIST'))
		current = current.ofType ?? undefined;
	return current;
}

/** One `__type(name:)` per name under aliases `t0`, `t1`, ..., each with `selection`. */
function typesOf(names: string[], selection: string): string {
	const aliased = names.map(
		(name, index) => `t${index}: __type(name: ${JSON.stringify(name)}) { ${selection} }`,
	);
	return `query ${SCHEMA_OPERATION} { ${aliased.join(' ')} }`;
}

interface Step {
	path: string;
	typeName: string;
}

/** Fields of the named types that answer an object, optionally only those without arguments. */
function objectFieldsOf(
	data: Record<string, unknown> | null,
	steps: Step[],
	withoutArgs: boolean,
): Step[] {
	const byName = new Map<string, Level>();
	[...new Set(steps.map((step) => step.typeName))].forEach((name, index) => {
		const type = data?.[`t${index}`] as Level | null | undefined;
		if (type) byName.set(name, type);
	});
	const found: Step[] = [];
	for (const step of steps) {
		for (const field of byName.get(step.typeName)?.fields ?? []) {
			const type = unwrap(field.type);
			if (type?.kind !== 'OBJECT' || !type.name || (withoutArgs && field.args?.length)) continue;
			found.push({ path: `${step.path}.${field.name}`, typeName: type.name });
		}
	}
	return found;
}

/** Package -> node of the Mutation root, with each node's type name. */
async function mutationNodes(send: Send): Promise<Step[]> {
	const data = await send(
		`query ${SCHEMA_OPERATION} { __schema { mutationType { fields { name type { kind name ${NODE_LEVEL} ofType { kind name ${NODE_LEVEL} } } } } } }`,
	);
	const root = (data?.__schema as { mutationType?: Level | null } | undefined)?.mutationType;
	const nodes: Step[] = [];
	for (const pkg of root?.fields ?? []) {
		for (const node of unwrap(pkg.type)?.fields ?? []) {
			const type = unwrap(node.type);
			if (type?.kind === 'OBJECT' && type.name)
				nodes.push({ path: `${pkg.name}.${node.name}`, typeName: type.name });
		}
	}
	return nodes;
}

const distinct = (steps: Step[]): string[] => [...new Set(steps.map((step) => step.typeName))];

/** Every `package.node.operation` whose type starts an asynchronous operation, sorted. */
export async function readAsyncOperationIndex(send: Send): Promise<string[]> {
	const nodes = await mutationNodes(send);
	if (!nodes.length) return [];
	const nodeTypes = distinct(nodes);
	const operations = objectFieldsOf(
		await send(typesOf(nodeTypes, `fields { name args { name } type { ${REF} } }`)),
		nodes,
		true,
	);
	if (!operations.length) return [];
	const operationTypes = distinct(operations);
	const startable = await send(
		typesOf(
			operationTypes,
			`fields { name type { ${REF} fields { name } ofType { fields { name } } } }`,
		),
	);
	const names = operations.filter((operation) => {
		const type = startable?.[`t${operationTypes.indexOf(operation.typeName)}`] as Level | null;
		const start = type?.fields?.find((field) => field.name === 'start');
		const answer = start?.type?.fields ? start.type : start?.type?.ofType;
		return answer?.fields?.some((field) => field.name === 'trackingId') ?? false;
	});
	return names.map((operation) => operation.path).sort((a, b) => a.localeCompare(b));
}
