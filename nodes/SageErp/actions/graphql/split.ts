import type { IDataObject } from 'n8n-workflow';

import {} from '../../../../sage-client/documents';
import { isObject } from '../common/items';
import { SageDocumentError } from '../../../../sage-client/transport/errors';

/**
 * Turning a GraphQL answer's `data` into records, for Output "Items":
 * - with a Split Path (dotted, inside `data`, e.g. `xtremMasterData.customer.query.edges`):
 *   the list there, or the nodes of the connection there;
 * - without one: the nodes of the first `edges[].node` connection, else the first list,
 *   else `data` itself as one record.
 */
export function splitRecords(data: unknown, splitPath: string): IDataObject[] {
	if (splitPath) {
		const steps = splitPath.split('.').map((step) => step.trim());
		if (steps.some((step) => !step)) {
			throw new SageDocumentError(
				`Split Path "${splitPath}" has an empty step.`,
				'Write keys separated by dots, e.g. xtremMasterData.customer.query.edges.',
				'Split Path',
			);
		}
		const value = walk(data, steps);
		if (value === undefined) {
			const keys = isObject(data) ? Object.keys(data).join(', ') : 'none';
			throw new SageDocumentError(
				`Split Path "${splitPath}" is not in Sage's answer.`,
				`Start the path at a top-level key of data (${keys}); leave Split Path empty to find the list automatically.`,
				'Split Path',
			);
		}
		const records = recordsOf(value);
		if (!records) {
			throw new SageDocumentError(
				`Split Path "${splitPath}" leads to ${value === null ? 'null' : typeof value}, not to a list.`,
				'Point Split Path at a list, or at a connection (an object with edges).',
				'Split Path',
			);
		}
		return records;
	}
	return (
		findConnectionNodes(data) ??
		findFirstList(data) ?? [isObject(data) ? data : { data: data as IDataObject }]
	);
}

function walk(root: unknown, steps: string[]): unknown {
	let current = root;
	for (const step of steps) {
		if (Array.isArray(current) && /^\d+$/.test(step)) current = current[Number(step)];
		else if (isObject(current)) current = current[step];
		else return undefined;
		if (current === undefined) return undefined;
	}
	return current;
}

function recordsOf(value: unknown): IDataObject[] | undefined {
	if (Array.isArray(value)) return value.map(toRecord);
	if (isObject(value) && Array.isArray(value.edges)) return edgeNodes(value.edges);
	return undefined;
}

function toRecord(value: unknown): IDataObject {
	return isObject(value) ? value : { value: value as IDataObject[keyof IDataObject] };
}

function edgeNodes(edges: unknown[]): IDataObject[] {
	return edges.map((edge) => toRecord(isObject(edge) && 'node' in edge ? edge.node : edge));
}

/** The nodes of the first connection (an object whose `edges` list holds `{ node }`), depth first. */
function findConnectionNodes(value: unknown): IDataObject[] | undefined {
	if (Array.isArray(value)) {
		for (const element of value) {
			const found = findConnectionNodes(element);
			if (found) return found;
		}
		return undefined;
	}
	if (!isObject(value)) return undefined;
	const edges = value.edges;
	if (
		Array.isArray(edges) &&
		(edges.length === 0 || edges.every((edge) => isObject(edge) && 'node' in edge))
	) {
		return edgeNodes(edges);
	}
	for (const child of Object.values(value)) {
		const found = findConnectionNodes(child);
		if (found) return found;
	}
	return undefined;
}

function findFirstList(value: unknown): IDataObject[] | undefined {
	if (Array.isArray(value)) return value.map(toRecord);
	if (!isObject(value)) return undefined;
	for (const child of Object.values(value)) {
		const found = findFirstList(child);
		if (found) return found;
	}
	return undefined;
}
