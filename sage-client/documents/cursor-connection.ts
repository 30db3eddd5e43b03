import { Kind, type FieldNode, type SelectionSetNode } from 'graphql';

import { CheckedOperation } from './user-documents';

/** Where a user's query pages: the one connection called with `after: $after` that selects `pageInfo`. */

/** Where a user's query selects a connection that the node can page through with `$after`. */
export interface CursorConnection {
	/** Response keys from `data` to the connection. */
	path: string[];
	pageInfoKey: string;
	endCursorKey: string;
	hasNextPageKey: string;
	/** Whether the document declares `$first`, so the node can set the page size. */
	declaresFirst: boolean;
}

/**
 * The one connection of the operation called with `after: $after` that selects
 * `pageInfo { endCursor hasNextPage }`; undefined when there is none, several, or the
 * document does not declare `$after`. The reason says which, for a hint.
 */
export function findCursorConnection(checked: CheckedOperation): {
	connection?: CursorConnection;
	reason?: string;
} {
	const declared = new Set(
		checked.operation.variableDefinitions?.map((definition) => definition.variable.name.value),
	);
	if (!declared.has('after')) return { reason: 'the document declares no $after variable' };
	const found: CursorConnection[] = [];
	const walk = (selectionSet: SelectionSetNode, path: string[], seen: Set<string>) => {
		for (const selection of selectionSet.selections) {
			if (selection.kind === Kind.INLINE_FRAGMENT) {
				walk(selection.selectionSet, path, seen);
			} else if (selection.kind === Kind.FRAGMENT_SPREAD) {
				const fragment = checked.fragments.get(selection.name.value);
				if (fragment && !seen.has(fragment.name.value))
					walk(fragment.selectionSet, path, new Set([...seen, fragment.name.value]));
			} else if (selection.selectionSet) {
				const key = responseKey(selection);
				const usesAfter = selection.arguments?.some(
					(argument) =>
						argument.name.value === 'after' &&
						argument.value.kind === Kind.VARIABLE &&
						argument.value.name.value === 'after',
				);
				const pageInfo = usesAfter ? pageInfoKeys(selection.selectionSet, checked) : undefined;
				if (pageInfo)
					found.push({ path: [...path, key], ...pageInfo, declaresFirst: declared.has('first') });
				else walk(selection.selectionSet, [...path, key], seen);
			}
		}
	};
	walk(checked.operation.selectionSet, [], new Set());
	if (found.length === 1) return { connection: found[0] };
	if (found.length > 1) return { reason: 'several connections use $after' };
	return {
		reason: 'no field called with after: $after selects pageInfo { endCursor hasNextPage }',
	};
}

export function responseKey(field: FieldNode): string {
	return field.alias?.value ?? field.name.value;
}

function directFields(selectionSet: SelectionSetNode, checked: CheckedOperation): FieldNode[] {
	const fields: FieldNode[] = [];
	for (const selection of selectionSet.selections) {
		if (selection.kind === Kind.FIELD) fields.push(selection);
		else if (selection.kind === Kind.INLINE_FRAGMENT)
			fields.push(...directFields(selection.selectionSet, checked));
		else {
			const fragment = checked.fragments.get(selection.name.value);
			if (fragment) fields.push(...directFields(fragment.selectionSet, checked));
		}
	}
	return fields;
}

function pageInfoKeys(
	selectionSet: SelectionSetNode,
	checked: CheckedOperation,
): Pick<CursorConnection, 'pageInfoKey' | 'endCursorKey' | 'hasNextPageKey'> | undefined {
	const pageInfo = directFields(selectionSet, checked).find(
		(field) => field.name.value === 'pageInfo' && field.selectionSet,
	);
	if (!pageInfo?.selectionSet) return undefined;
	const inner = directFields(pageInfo.selectionSet, checked);
	const endCursor = inner.find((field) => field.name.value === 'endCursor');
	const hasNextPage = inner.find((field) => field.name.value === 'hasNextPage');
	if (!endCursor || !hasNextPage) return undefined;
	return {
		pageInfoKey: responseKey(pageInfo),
		endCursorKey: responseKey(endCursor),
		hasNextPageKey: responseKey(hasNextPage),
	};
}
