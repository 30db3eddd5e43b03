import type { FieldKind } from '../fields/record-fields';

/**
 * The operators of the filter builder, as saved in workflows (`equals`, `isOneOf`, ...), what
 * each becomes in Sage's filter language, and which fit which kind of field. Sage compares
 * with `_eq _ne _gt _gte _lt _lte _in _nin _regex`; a collection counts its records with
 * `_atLeast`, `_atMost` and `_none`.
 */

export type FilterOperator =
	| 'equals'
	| 'notEquals'
	| 'greaterThan'
	| 'greaterThanOrEqual'
	| 'lessThan'
	| 'lessThanOrEqual'
	| 'isOneOf'
	| 'isNotOneOf'
	| 'contains'
	| 'startsWith'
	| 'endsWith'
	| 'isEmpty'
	| 'isNotEmpty'
	| 'isTrue'
	| 'isFalse';

interface OperatorInfo {
	/** The label in the Operator list; dates read "Is After" rather than "Is Greater Than". */
	label: string;
	dateLabel?: string;
	/** What it becomes in Sage's syntax, for the option's description. */
	sage: string;
	/** Whether the condition's Value is used. */
	takesValue: boolean;
}

export const OPERATORS: Readonly<Record<FilterOperator, OperatorInfo>> = {
	equals: { label: 'Is Equal To', sage: '_eq', takesValue: true },
	notEquals: { label: 'Is Not Equal To', sage: '_ne', takesValue: true },
	greaterThan: { label: 'Is Greater Than', dateLabel: 'Is After', sage: '_gt', takesValue: true },
	greaterThanOrEqual: {
		label: 'Is Greater Than or Equal To',
		dateLabel: 'Is On or After',
		sage: '_gte',
		takesValue: true,
	},
	lessThan: { label: 'Is Less Than', dateLabel: 'Is Before', sage: '_lt', takesValue: true },
	lessThanOrEqual: {
		label: 'Is Less Than or Equal To',
		dateLabel: 'Is On or Before',
		sage: '_lte',
		takesValue: true,
	},
	isOneOf: { label: 'Is One Of', sage: '_in', takesValue: true },
	isNotOneOf: { label: 'Is Not One Of', sage: '_nin', takesValue: true },
	contains: {
		label: 'Contains',
		sage: "_regex (the value's special characters escaped)",
		takesValue: true,
	},
	startsWith: { label: 'Starts With', sage: "_regex '^…'", takesValue: true },
	endsWith: { label: 'Ends With', sage: "_regex '…$'", takesValue: true },
	isEmpty: { label: 'Is Empty', sage: '_eq null', takesValue: false },
	isNotEmpty: { label: 'Is Not Empty', sage: '_ne null', takesValue: false },
	isTrue: { label: 'Is True', sage: '_eq true', takesValue: false },
	isFalse: { label: 'Is False', sage: '_eq false', takesValue: false },
};

const EQUALITY: FilterOperator[] = ['equals', 'notEquals', 'isOneOf', 'isNotOneOf'];
const ORDERING: FilterOperator[] = [
	'greaterThan',
	'greaterThanOrEqual',
	'lessThan',
	'lessThanOrEqual',
];
const TEXT: FilterOperator[] = ['contains', 'startsWith', 'endsWith'];
const PRESENCE: FilterOperator[] = ['isEmpty', 'isNotEmpty'];

const BY_KIND: Readonly<Record<FieldKind, FilterOperator[]>> = {
	string: ['equals', 'notEquals', ...TEXT, 'isOneOf', 'isNotOneOf', ...ORDERING, ...PRESENCE],
	id: [...EQUALITY, ...ORDERING],
	integer: [...EQUALITY, ...ORDERING, ...PRESENCE],
	number: [...EQUALITY, ...ORDERING, ...PRESENCE],
	date: ['equals', 'notEquals', ...ORDERING, ...PRESENCE],
	dateTime: ['equals', 'notEquals', ...ORDERING, ...PRESENCE],
	boolean: ['isTrue', 'isFalse', 'equals', 'notEquals'],
	enum: [...EQUALITY, ...PRESENCE],
	reference: [...EQUALITY, ...PRESENCE],
	// A collection: "is empty" = it has no records, "is not empty" = at least one.
	collection: PRESENCE,
	json: PRESENCE,
};

export const ALL_OPERATORS = Object.keys(OPERATORS) as FilterOperator[];

export function isFilterOperator(value: unknown): value is FilterOperator {
	return typeof value === 'string' && Object.prototype.hasOwnProperty.call(OPERATORS, value);
}

/** The operators that fit a field of this kind, in the order the Operator list shows them. */
export function operatorsFor(kind: FieldKind): readonly FilterOperator[] {
	return BY_KIND[kind];
}

/** The operator's label for a field of this kind. */
export function operatorLabel(operator: FilterOperator, kind?: FieldKind): string {
	const info = OPERATORS[operator];
	if (kind === 'collection' && operator === 'isEmpty') return 'Has No Records';
	if (kind === 'collection' && operator === 'isNotEmpty') return 'Has Records';
	return (kind === 'date' || kind === 'dateTime') && info.dateLabel ? info.dateLabel : info.label;
}
