import type { RecordField, RecordFields } from '../fields/record-fields';
import { sageText, type SageValue } from './literal';
import {
	isFilterOperator,
	operatorLabel,
	operatorsFor,
	OPERATORS,
	type FilterOperator,
} from './operators';
import { resolvePath, type FieldPath, type FieldLoader } from './paths';
import { FilterProblem } from './problem';
import { convertValue, isEmptyValue, valueList } from './values';

/**
 * The filter builder's conditions and the sort list, compiled into Sage's filter and order
 * (in Sage's own syntax, sent as GraphQL variables). Everything that does not fit the record
 * type's fields is refused here, before any request, naming the condition.
 */

export interface FilterCondition {
	/** A field path: `orderDate`, `soldToCustomer.id`, `lines.item.id`. */
	field: string;
	operator: string;
	value?: unknown;
}

export type FilterMatch = 'all' | 'any';

export interface SortRule {
	field: string;
	direction: 'ascending' | 'descending';
}

/** A refused condition or sort rule: `position` counts from 1, as the list shows them. */
export class FilterBuildError extends FilterProblem {
	constructor(
		readonly parameter: 'Filter' | 'Sort',
		readonly position: number,
		message: string,
		hint?: string,
	) {
		super(message, hint);
		this.name = 'FilterBuildError';
	}
}

type Leaf = { [operator: string]: SageValue };

// Characters with a meaning in a regular expression; `contains` looks for them as they are.
const REGEX_SPECIAL = /[\\^$.|?*+()[\]{}]/g;

export function escapeRegex(text: string): string {
	return text.replace(REGEX_SPECIAL, (character) => `\\${character}`);
}

function kindName(field: RecordField): string {
	return field.kind === 'enum'
		? 'a list of values'
		: field.kind === 'id'
			? 'an _id'
			: `a ${field.kind}`;
}

/** The comparison on the last field of the path. */
function leaf(field: RecordField, operator: FilterOperator, value: unknown): Leaf {
	if (field.kind === 'collection')
		return operator === 'isEmpty' ? { _none: true } : { _atLeast: 1 };
	switch (operator) {
		case 'isEmpty':
			// Sage keeps an empty text as '' more often than as null: both count as empty.
			return field.kind === 'string' ? { _in: [null, ''] } : { _eq: null };
		case 'isNotEmpty':
			return field.kind === 'string' ? { _nin: [null, ''] } : { _ne: null };
		case 'isTrue':
			return { _eq: true };
		case 'isFalse':
			return { _eq: false };
		case 'contains':
			return { _regex: escapeRegex(String(convertValue(field, value))) };
		case 'startsWith':
			return { _regex: `^${escapeRegex(String(convertValue(field, value)))}` };
		case 'endsWith':
			return { _regex: `${escapeRegex(String(convertValue(field, value)))}$` };
		case 'isOneOf':
		case 'isNotOneOf': {
			const values = valueList(value).map((entry) => convertValue(field, entry));
			return { [OPERATORS[operator].sage]: values };
		}
		default:
			return { [OPERATORS[operator].sage]: convertValue(field, value) };
	}
}

/** `{soldToCustomer: {id: {_eq: 'C1'}}}`; a step through a collection asks for at least one matching record. */
function nested(path: FieldPath, comparison: Leaf): { [key: string]: SageValue } {
	let inner: { [key: string]: SageValue } = comparison;
	for (let index = path.fields.length - 1; index >= 0; index--) {
		const field = path.fields[index];
		const throughCollection = field.kind === 'collection' && index < path.fields.length - 1;
		inner = { [field.name]: throughCollection ? { _atLeast: 1, ...inner } : inner };
	}
	return inner;
}

type Refuse = (message: string, hint?: string) => FilterBuildError;

/** The field path of a condition or sort rule, or its refusal. */
async function pathOf(
	root: RecordFields,
	field: unknown,
	loader: FieldLoader,
	refuse: Refuse,
): Promise<FieldPath> {
	const text = typeof field === 'string' ? field.trim() : '';
	if (!text) throw refuse('no field is picked', 'Pick the field from the list.');
	try {
		return await resolvePath(root, text, loader);
	} catch (error) {
		if (error instanceof FilterProblem) throw refuse(error.message, error.hint);
		throw error;
	}
}

async function compileCondition(
	root: RecordFields,
	condition: FilterCondition,
	position: number,
	loader: FieldLoader,
): Promise<{ [key: string]: SageValue }> {
	const refuse: Refuse = (message, hint) =>
		new FilterBuildError('Filter', position, `Filter condition ${position}: ${message}`, hint);
	const path = await pathOf(root, condition.field, loader, refuse);
	const field = path.fields[path.fields.length - 1];
	const fits = operatorsFor(field.kind);
	if (!isFilterOperator(condition.operator) || !fits.includes(condition.operator)) {
		const what = isFilterOperator(condition.operator)
			? `'${operatorLabel(condition.operator, field.kind)}'`
			: `'${String(condition.operator)}'`;
		throw refuse(
			`${path.label} (${kindName(field)}) cannot be compared with ${what}`,
			`Pick one of: ${fits.map((operator) => operatorLabel(operator, field.kind)).join(', ')}.`,
		);
	}
	const operator = condition.operator;
	const named = `${path.label} ${operatorLabel(operator, field.kind)}`;
	if (OPERATORS[operator].takesValue && isEmptyValue(condition.value))
		throw refuse(
			`${named}: the value is empty`,
			'Give a value, or pick Is Empty to find records without one.',
		);
	try {
		return nested(path, leaf(field, operator, condition.value));
	} catch (error) {
		if (error instanceof FilterProblem) throw refuse(`${named}: ${error.message}`, error.hint);
		throw error;
	}
}

/** Sage's filter for the conditions (undefined for none): one, or all of them (`_and`), or any (`_or`). */
export async function compileFilter(
	root: RecordFields,
	conditions: readonly FilterCondition[],
	match: FilterMatch,
	loader: FieldLoader,
): Promise<string | undefined> {
	const compiled: SageValue[] = [];
	for (const [index, condition] of conditions.entries())
		compiled.push(await compileCondition(root, condition, index + 1, loader));
	if (!compiled.length) return undefined;
	if (compiled.length === 1) return sageText(compiled[0]);
	return sageText({ [match === 'any' ? '_or' : '_and']: compiled });
}

/** Sage's order for the sort list (undefined for none): `{ orderDate: -1, number: 1 }`. */
export async function compileSort(
	root: RecordFields,
	rules: readonly SortRule[],
	loader: FieldLoader,
): Promise<string | undefined> {
	const order: { [key: string]: SageValue } = {};
	for (const [index, rule] of rules.entries()) {
		const position = index + 1;
		const refuse: Refuse = (message, hint) =>
			new FilterBuildError('Sort', position, `Sort ${position}: ${message}`, hint);
		const path = await pathOf(root, rule.field, loader, refuse);
		const through = path.fields.find(
			(field) => field.kind === 'collection' || field.kind === 'json',
		);
		const last = path.fields[path.fields.length - 1];
		if (through || last.kind === 'reference')
			throw refuse(
				`${path.label} cannot be sorted by`,
				last.kind === 'reference'
					? `Sort by one of its fields instead, e.g. ${rule.field.trim()}.${last.target?.naturalKey?.[0] ?? 'id'}.`
					: 'Sort by a field of the record, or of a record it references.',
			);
		let level = order;
		for (const field of path.fields.slice(0, -1)) {
			const existing = level[field.name];
			level = (
				typeof existing === 'object' && existing !== null && !Array.isArray(existing)
					? existing
					: (level[field.name] = {})
			) as { [key: string]: SageValue };
		}
		level[last.name] = rule.direction === 'descending' ? -1 : 1;
	}
	return Object.keys(order).length ? sageText(order) : undefined;
}
