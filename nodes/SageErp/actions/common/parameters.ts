import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { inputError } from '../../../shared/errors';
import {
	DEFAULT_PAGE_SIZE,
	batchSizeProblem,
	pageSizeProblem,
	timeoutProblem,
	type Problem,
} from '../../../shared/limits';

/**
 * Reading and checking the node's parameters for one item. Every check here runs before
 * anything is sent, and its error names the field (by its label in the UI) and the item.
 */

type Options = { pageSize?: number; batchSize?: number; timeout?: number };

function options(context: IExecuteFunctions, itemIndex: number): Options {
	return context.getNodeParameter('options', itemIndex, {}) as Options;
}

/** `package.node` from the Record Type parameter: a resource locator, or a plain string in older workflows. */
export function readRecordType(context: IExecuteFunctions, itemIndex: number): string {
	const value = context.getNodeParameter('recordType', itemIndex, '', {
		extractValue: true,
	}) as unknown;
	const text = typeof value === 'string' ? value.trim() : '';
	if (!text) {
		throw inputError(
			context.getNode(),
			'Record Type is empty',
			itemIndex,
			'Pick a record type from the list, or type it as package.node (e.g. xtremMasterData.customer).',
		);
	}
	return text;
}

/** A required string such as ID: trimmed, and never empty. */
export function readRequiredString(
	context: IExecuteFunctions,
	name: string,
	label: string,
	itemIndex: number,
	hint: string,
): string {
	const value = context.getNodeParameter(name, itemIndex, '') as unknown;
	const text =
		typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (!text) throw inputError(context.getNode(), `${label} is empty`, itemIndex, hint);
	return text;
}

export function readString(context: IExecuteFunctions, name: string, itemIndex: number): string {
	const value = context.getNodeParameter(name, itemIndex, '') as unknown;
	return typeof value === 'string'
		? value.trim()
		: value === undefined || value === null
			? ''
			: String(value);
}

// `={{ $json }}` or `={{ $json.body.order }}`: the commonest Data of all, handing over the
// input item (or a part of it).
const ITEM_JSON_REFERENCE = /^=\{\{\s*\$json((?:\.[A-Za-z_$][\w$]*)*)\s*\}\}$/;

/**
 * The value of a parameter that only names the input item's JSON, read from the item
 * itself: n8n's expression engine costs about 0.3 ms per item and evaluation, which in a
 * batch of creates is most of the node's time. Any other value returns undefined.
 */
function itemJsonReference(context: IExecuteFunctions, name: string, itemIndex: number): unknown {
	const raw = context.getNodeParameter(name, itemIndex, '', { rawExpressions: true }) as unknown;
	return itemJsonValue(context, raw, itemIndex);
}

/**
 * What a raw parameter value that only names the input item's JSON (`={{ $json.email }}`)
 * stands for, read from the item without the expression engine; undefined for any other
 * value, or when the item lacks that key (the engine then says what it says).
 */
export function itemJsonValue(
	context: IExecuteFunctions,
	raw: unknown,
	itemIndex: number,
): unknown {
	const match = typeof raw === 'string' ? ITEM_JSON_REFERENCE.exec(raw.trim()) : null;
	const item = match ? context.getInputData()[itemIndex] : undefined;
	if (!match || !item) return undefined;
	let value: unknown = item.json;
	for (const key of match[1].split('.').slice(1)) {
		if (
			value === null ||
			typeof value !== 'object' ||
			!Object.prototype.hasOwnProperty.call(value, key)
		)
			return undefined;
		value = (value as Record<string, unknown>)[key];
	}
	return value;
}

/**
 * A JSON object parameter (Data, Variables): a JSON string or an object from an expression.
 * Anything else (invalid JSON, an array, a number, null) is refused, naming the field.
 */
export function readJsonObject(
	context: IExecuteFunctions,
	name: string,
	label: string,
	itemIndex: number,
	{ emptyAllowed }: { emptyAllowed: boolean },
): IDataObject {
	const value =
		itemJsonReference(context, name, itemIndex) ??
		(context.getNodeParameter(name, itemIndex, emptyAllowed ? '' : undefined) as unknown);
	const node = context.getNode();
	let parsed: unknown = value;
	if (typeof value === 'string') {
		if (!value.trim()) {
			if (emptyAllowed) return {};
			throw inputError(
				node,
				`${label} is empty`,
				itemIndex,
				`Give ${label} as a JSON object, e.g. { "name": "Acme" }.`,
			);
		}
		const outcome = parseJson(value);
		if ('error' in outcome) {
			throw inputError(
				node,
				`${label} is not valid JSON: ${outcome.error}`,
				itemIndex,
				`Give ${label} as a JSON object, e.g. { "name": "Acme" }.`,
			);
		}
		parsed = outcome.value;
	}
	if (parsed === undefined && emptyAllowed) return {};
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw inputError(
			node,
			`${label} must be a JSON object, not ${describeKind(parsed)}`,
			itemIndex,
			`Give ${label} as a JSON object, e.g. { "name": "Acme" }.`,
		);
	}
	return parsed as IDataObject;
}

/**
 * A Sage filter or order (`{isActive:true}`): the text as typed, or an object from an
 * expression, which is written as JSON (a subset of Sage's filter syntax). Empty = none.
 */
export function readSageLiteral(
	context: IExecuteFunctions,
	name: string,
	label: string,
	itemIndex: number,
): string | undefined {
	const value = context.getNodeParameter(name, itemIndex, '') as unknown;
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'string') return value.trim() || undefined;
	if (typeof value === 'object' && !Array.isArray(value))
		return Object.keys(value).length ? JSON.stringify(value) : undefined;
	// An array of filters from an expression is Sage's AND ("[{a: 0},{b: false}]").
	if (Array.isArray(value) && name === 'filter')
		return value.length ? JSON.stringify(value) : undefined;
	throw inputError(
		context.getNode(),
		`${label} must be a Sage ${label.toLowerCase()} such as {name:+1} or a JSON object, not ${describeKind(value)}`,
		itemIndex,
	);
}

/** Options > Page Size: rows per request, at most Sage's maximum. */
export function readPageSize(context: IExecuteFunctions, itemIndex: number): number {
	const value = options(context, itemIndex).pageSize ?? DEFAULT_PAGE_SIZE;
	refuse(context, pageSizeProblem(value, 'Return All still follows every page.'), itemIndex);
	return value;
}

/** Options > Batch Size: input items per request (1 = one request per item). */
export function readBatchSize(context: IExecuteFunctions, itemIndex: number): number {
	const value = options(context, itemIndex).batchSize ?? 1;
	refuse(context, batchSizeProblem(value), itemIndex);
	return value;
}

/** Options > Timeout in ms, or undefined for the client's default. */
export function readTimeout(context: IExecuteFunctions, itemIndex: number): number | undefined {
	const value = options(context, itemIndex).timeout;
	if (value === undefined || value === null) return undefined;
	refuse(context, timeoutProblem(value), itemIndex);
	return Math.round(value);
}

function refuse(context: IExecuteFunctions, problem: Problem | undefined, itemIndex: number): void {
	if (problem) throw inputError(context.getNode(), problem.message, itemIndex, problem.hint);
}

/** Return All and Limit: undefined = every record. */
export function readLimit(context: IExecuteFunctions, itemIndex: number): number | undefined {
	if (context.getNodeParameter('returnAll', itemIndex, false) as boolean) return undefined;
	const limit = context.getNodeParameter('limit', itemIndex, 50) as unknown;
	if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
		throw inputError(
			context.getNode(),
			`Limit must be a whole number of 1 or more, not ${String(limit)}`,
			itemIndex,
		);
	}
	return limit;
}

function parseJson(text: string): { value: unknown } | { error: string } {
	try {
		return { value: JSON.parse(text) as unknown };
	} catch (error) {
		return { error: error instanceof Error ? error.message : 'unreadable' };
	}
}

function describeKind(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'string') return 'a string';
	if (typeof value === 'number') return `a number (${value})`;
	if (typeof value === 'boolean') return `a boolean (${value})`;
	return typeof value;
}
