import {
	Kind,
	print,
	visit,
	type ASTVisitor,
	type FragmentSpreadNode,
	type VariableNode,
	type FieldNode,
	type FragmentDefinitionNode,
	type OperationDefinitionNode,
	type SelectionSetNode,
} from 'graphql';

import { CheckedOperation } from './user-documents';
import { responseKey } from './cursor-connection';

/** Batching user mutations: several items' operations merged into one document, renamed per item. */

export interface MergedMutation {
	text: string;
	operationName: string;
	variables: Record<string, unknown>;
	/** The prefix of every top-level response key (and error path) of each member. */
	prefixes: string[];
}

/**
 * Several user mutation operations as one request: every member's variables and fragments
 * are renamed (`v3_name`, `f3_Name`) and its top-level fields aliased (`b3_<key>`), so the
 * members cannot collide; top-level fields run in order, as GraphQL runs mutation fields
 * serially. Undefined when a member cannot be merged safely (fragments or directives at
 * its top level): the caller then sends the members one by one.
 */
export function mergeMutations(
	members: Array<{ checked: CheckedOperation; variables: Record<string, unknown> }>,
): MergedMutation | undefined {
	const declarations: string[] = [];
	const selections: string[] = [];
	const fragmentTexts: string[] = [];
	const variables: Record<string, unknown> = {};
	const prefixes: string[] = [];
	for (const [index, { checked, variables: memberVariables }] of members.entries()) {
		const { operation } = checked;
		if (operation.directives?.length) return undefined;
		if (operation.selectionSet.selections.some((selection) => selection.kind !== Kind.FIELD))
			return undefined;
		const prefix = `b${index}_`;
		prefixes.push(prefix);
		const renameVariable = (name: string) => `v${index}_${name}`;
		const renameFragment = (name: string) => `f${index}_${name}`;
		const renamer: ASTVisitor = {
			Variable: (node: VariableNode) => ({
				...node,
				name: { ...node.name, value: renameVariable(node.name.value) },
			}),
			FragmentSpread: (node: FragmentSpreadNode) => ({
				...node,
				name: { ...node.name, value: renameFragment(node.name.value) },
			}),
			FragmentDefinition: (node: FragmentDefinitionNode) => ({
				...node,
				name: { ...node.name, value: renameFragment(node.name.value) },
			}),
		};
		const renamed = visit(operation, renamer) as OperationDefinitionNode;
		for (const definition of renamed.variableDefinitions ?? []) {
			declarations.push(print(definition));
			const original = definition.variable.name.value.slice(`v${index}_`.length);
			if (Object.prototype.hasOwnProperty.call(memberVariables, original)) {
				variables[definition.variable.name.value] = memberVariables[original];
			}
		}
		for (const selection of renamed.selectionSet.selections as FieldNode[]) {
			const aliased: FieldNode = {
				...selection,
				alias: { kind: Kind.NAME, value: `${prefix}${responseKey(selection)}` },
			};
			selections.push(print(aliased));
		}
		for (const name of reachableFragments(checked)) {
			const fragment = checked.fragments.get(name);
			if (fragment) fragmentTexts.push(print(visit(fragment, renamer) as FragmentDefinitionNode));
		}
	}
	const operationName = 'SageErpMutationBatch';
	const text = [
		`mutation ${operationName}${declarations.length ? `(${declarations.join(', ')})` : ''} {\n  ${selections.join('\n  ')}\n}`,
		...fragmentTexts,
	].join('\n\n');
	return { text, operationName, variables, prefixes };
}

/** Fragments the operation uses, directly or through other fragments. */
function reachableFragments(checked: CheckedOperation): string[] {
	const reached = new Set<string>();
	const walk = (selectionSet: SelectionSetNode) => {
		for (const selection of selectionSet.selections) {
			if (selection.kind === Kind.FRAGMENT_SPREAD) {
				const name = selection.name.value;
				const fragment = checked.fragments.get(name);
				if (!reached.has(name) && fragment) {
					reached.add(name);
					walk(fragment.selectionSet);
				}
			} else if (selection.selectionSet) {
				walk(selection.selectionSet);
			}
		}
	};
	walk(checked.operation.selectionSet);
	return [...reached];
}
