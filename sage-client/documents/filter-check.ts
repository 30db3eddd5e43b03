import {
	getNamedType,
	isLeafType,
	isObjectType,
	type GraphQLField,
	type GraphQLObjectType,
} from 'graphql';

import { SageDocumentError } from '../transport/errors';
import { connectionNodeType, type RecordTypeInfo } from '../schema/schema';

/**
 * Filter and Order By checked against the tenant's schema before anything is sent, so that
 * a typo (`{isActiv:true}`) costs no request and comes with the names it was probably
 * meant to be. Only what the schema decides is refused: an unknown property, or an unknown
 * operator on a property. Anything else (text this parser cannot read, value types, an
 * operator in an unusual place, a field whose kind is unclear) is left to Sage.
 */

// ---------------------------------------------------------------- tokenizer

type TokenType = 'punct' | 'name' | 'string' | 'number' | 'end';

interface Token {
	type: TokenType;
	text: string;
	value?: string | number;
	pos: number;
}

/** Text outside the grammar below: the check steps aside and Sage gives its own answer. */
export class FilterSyntaxError extends Error {
	constructor(
		message: string,
		readonly position: number,
	) {
		super(`${message} at position ${position}`);
		this.name = 'FilterSyntaxError';
	}
}

const PUNCTUATION = new Set(['{', '}', '[', ']', ':', ',']);
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_$][A-Za-z0-9_$]*/;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };

/** A quoted string from `start` (its quote): its value and the position after its closing quote. */
function readString(text: string, start: number): { value: string; end: number } {
	const quote = text[start];
	let value = '';
	let i = start + 1;
	while (i < text.length && text[i] !== quote) {
		if (text[i] !== '\\') {
			value += text[i++];
			continue;
		}
		const escaped = text[i + 1];
		if (escaped === undefined) break;
		if (escaped === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
			value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
			i += 6;
			continue;
		}
		// Unknown escapes keep their backslash, so regular expressions such as '^A\.B' survive.
		value += ESCAPES[escaped] ?? (`'"\\/`.includes(escaped) ? escaped : `\\${escaped}`);
		i += 2;
	}
	if (i >= text.length) throw new FilterSyntaxError('unterminated string', start);
	return { value, end: i + 1 };
}

/** Sage's filter syntax as tokens: punctuation, names, quoted strings, numbers. */
export function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < text.length) {
		const c = text[i];
		if (/\s/.test(c)) {
			i++;
		} else if (PUNCTUATION.has(c)) {
			tokens.push({ type: 'punct', text: c, pos: i++ });
		} else if (c === "'" || c === '"') {
			const { value, end } = readString(text, i);
			tokens.push({ type: 'string', text: text.slice(i, end), value, pos: i });
			i = end;
		} else {
			const rest = text.slice(i, i + 256);
			const number = /[-+.\d]/.test(c) ? NUMBER.exec(rest) : null;
			const name = number ? null : NAME.exec(rest);
			const match = number ?? name;
			if (!match) throw new FilterSyntaxError(`unexpected '${c}'`, i);
			tokens.push(
				number
					? { type: 'number', text: match[0], value: Number(match[0]), pos: i }
					: { type: 'name', text: match[0], pos: i },
			);
			i += match[0].length;
		}
	}
	tokens.push({ type: 'end', text: '', pos: text.length });
	return tokens;
}

// ---------------------------------------------------------------- parser

export interface LiteralEntry {
	key: string;
	pos: number;
	value: Literal;
}

export type Literal =
	| { kind: 'object'; pos: number; entries: LiteralEntry[] }
	| { kind: 'array'; pos: number; items: Literal[] }
	| { kind: 'scalar'; pos: number; value: string | number | boolean | null };

const KEYWORDS: Record<string, boolean | null> = { true: true, false: false, null: null };

/** Recursive descent over the tokens: objects, arrays (trailing commas allowed), scalars. */
class LiteralParser {
	private next = 0;

	constructor(private readonly tokens: Token[]) {}

	parseAll(): Literal {
		const literal = this.value();
		if (this.peek().type !== 'end') throw this.unexpected();
		return literal;
	}

	private peek(): Token {
		return this.tokens[this.next];
	}

	private is(text: string): boolean {
		const token = this.peek();
		return token.type === 'punct' && token.text === text;
	}

	private unexpected(): FilterSyntaxError {
		const token = this.peek();
		return new FilterSyntaxError(
			token.type === 'end' ? 'unexpected end' : `unexpected '${token.text}'`,
			token.pos,
		);
	}

	private value(): Literal {
		const token = this.peek();
		if (this.is('{')) return this.object();
		if (this.is('[')) return this.array();
		if (token.type === 'string' || token.type === 'number') {
			this.next++;
			return { kind: 'scalar', pos: token.pos, value: token.value! };
		}
		if (token.type === 'name' && token.text in KEYWORDS) {
			this.next++;
			return { kind: 'scalar', pos: token.pos, value: KEYWORDS[token.text] };
		}
		throw this.unexpected();
	}

	/** The items between `open` and `close`, separated by commas, a trailing one allowed. */
	private list<T>(open: string, close: string, item: () => T): T[] {
		const items: T[] = [];
		if (!this.is(open)) throw this.unexpected();
		this.next++;
		while (!this.is(close)) {
			items.push(item());
			if (this.is(',')) this.next++;
			else if (!this.is(close)) throw this.unexpected();
		}
		this.next++;
		return items;
	}

	private array(): Literal {
		const pos = this.peek().pos;
		return { kind: 'array', pos, items: this.list('[', ']', () => this.value()) };
	}

	private object(): Literal {
		const pos = this.peek().pos;
		const entries = this.list('{', '}', () => {
			const key = this.peek();
			if (key.type !== 'name' && key.type !== 'string') throw this.unexpected();
			this.next++;
			if (!this.is(':')) throw this.unexpected();
			this.next++;
			return {
				key: key.type === 'string' ? String(key.value) : key.text,
				pos: key.pos,
				value: this.value(),
			};
		});
		return { kind: 'object', pos, entries };
	}
}

/** Parses a filter or order (`{isActive:true}`, JSON, or an array meaning AND). */
export function parseSageLiteral(text: string): Literal {
	return new LiteralParser(tokenize(text)).parseAll();
}

// ---------------------------------------------------------------- suggestions

/** Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`. */
function editDistance(a: string, b: string): number {
	const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [
		i,
		...new Array<number>(b.length).fill(0),
	]);
	for (let j = 1; j <= b.length; j++) rows[0][j] = j;
	for (let i = 1; i <= a.length; i++) {
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
				rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
		}
	}
	return rows[a.length][b.length];
}

/** The candidates nearest to `wrong` (case aside), at most three, when any is near enough to be a typo. */
export function closestNames(
	wrong: string,
	candidates: readonly string[],
	variants: readonly string[] = [wrong],
): string[] {
	const scored = candidates.map((name) => ({
		name,
		distance: Math.min(
			...variants.map((variant) => editDistance(variant.toLowerCase(), name.toLowerCase())),
		),
	}));
	const nearEnough = Math.max(1, Math.floor(wrong.length / 3));
	const best = Math.min(nearEnough + 1, ...scored.map((s) => s.distance));
	if (best > nearEnough) return [];
	return scored
		.filter((s) => s.distance === best)
		.map((s) => s.name)
		.sort()
		.slice(0, 3);
}

function didYouMean(names: string[]): string {
	return names.length ? ` Did you mean ${names.map((name) => `'${name}'`).join(' or ')}?` : '';
}

// ---------------------------------------------------------------- the check

/** Operators that compare one property's value. */
const COMPARISONS = [
	'_eq',
	'_ne',
	'_gt',
	'_gte',
	'_lt',
	'_lte',
	'_in',
	'_nin',
	'_regex',
	'_options',
	'_not',
	'_and',
	'_or',
];
const COMBINATIONS = ['_and', '_or', '_not'];
/** On a collection, a filter its children must meet: every one, none (`_none: true` counts instead). */
const QUANTIFIERS = ['_every', '_none'];
/** Properties listed in a hint, at most (real record types have hundreds). */
const LISTED_NAMES = 40;

type AnyField = GraphQLField<unknown, unknown>;

type PropertyKind =
	| { kind: 'scalar' }
	| { kind: 'reference'; target: GraphQLObjectType }
	| { kind: 'collection'; child: GraphQLObjectType }
	| { kind: 'unclear' };

/** Where the check is: which parameter, on which record type, and the property path to here. */
interface Place {
	label: 'Filter' | 'Order By';
	recordType: string;
	path: string[];
}

/** A scalar or enum; a reference to one record; a collection of child records (`lines`), from the schema's shape. */
function kindOf(field: AnyField): PropertyKind {
	const named = getNamedType(field.type);
	if (isLeafType(named)) return { kind: 'scalar' };
	if (!isObjectType(named)) return { kind: 'unclear' };
	const query = named.getFields().query;
	const child = query ? connectionNodeType(query) : undefined;
	return child ? { kind: 'collection', child } : { kind: 'reference', target: named };
}

function listed(names: string[]): string {
	return names.length > LISTED_NAMES
		? `${names.slice(0, LISTED_NAMES).join(', ')}, ...`
		: names.join(', ');
}

function unknownProperty(key: string, type: GraphQLObjectType, place: Place): SageDocumentError {
	const names = Object.keys(type.getFields());
	const canBeOperator = place.label === 'Filter' && key.startsWith('_');
	const what = canBeOperator ? 'property or operator' : 'property';
	const of = place.path.length ? ` of ${place.path.join('.')} (${type.name})` : '';
	// Inside a reference an operator may compare the reference itself ({currency:{_eq:'#EUR'}}).
	const operators = !canBeOperator
		? []
		: place.path.length
			? COMPARISONS.filter((name) => name !== '_options')
			: COMBINATIONS;
	const suggestions = closestNames(key, [...names, ...operators]);
	return new SageDocumentError(
		`Unknown ${what} '${key}'${of} in ${place.label} on ${place.recordType}.${didYouMean(suggestions)}`,
		`Names are case-sensitive. ${type.name} has: ${listed(names)}.`,
		place.label,
	);
}

function unknownOperator(key: string, place: Place): SageDocumentError {
	const operators = COMPARISONS.filter((name) => name !== '_options');
	return new SageDocumentError(
		`Unknown operator '${key}' on ${place.path.join('.')} in ${place.label} on ${place.recordType}.${didYouMean(closestNames(key, operators, [key, `_${key}`]))}`,
		`Operators on a property: ${operators.join(', ')} (and _options with _regex).`,
		place.label,
	);
}

const deeper = (place: Place, key: string): Place => ({ ...place, path: [...place.path, key] });

/** A filter on records of `type`: an object of properties and combinations, or an array of them (AND). */
function checkRecordFilter(type: GraphQLObjectType, literal: Literal, place: Place): void {
	if (literal.kind === 'array')
		for (const item of literal.items) checkRecordFilter(type, item, place);
	if (literal.kind !== 'object') return;
	for (const { key, value } of literal.entries) {
		const field = type.getFields()[key];
		if (field) checkProperty(field, value, deeper(place, key));
		else if (COMBINATIONS.includes(key) || QUANTIFIERS.includes(key))
			checkRecordFilter(type, value, place);
		// Any other name starting with `_` (an operator in an unusual place, one this check does
		// not know) is Sage's to judge: only what the schema decides is refused here.
		else if (!key.startsWith('_')) throw unknownProperty(key, type, place);
	}
}

function checkProperty(field: AnyField, value: Literal, place: Place): void {
	// Custom data is JSON text: a filter by its keys ({_customData:{rating:{_gt:3}}}) is undocumented, so Sage's to judge.
	if (field.name === '_customData') return;
	const kind = kindOf(field);
	if (kind.kind === 'scalar') checkComparison(value, place);
	else if (kind.kind === 'reference') checkRecordFilter(kind.target, value, place);
	else if (kind.kind === 'collection') checkRecordFilter(kind.child, value, place);
}

/** `{_gte: 10, _lt: 20}` on a scalar property: every key is an operator. */
function checkComparison(literal: Literal, place: Place): void {
	if (literal.kind !== 'object') return;
	for (const { key, value } of literal.entries) {
		if (key === '_not') checkComparison(value, place);
		else if ((key === '_and' || key === '_or') && value.kind === 'array')
			for (const item of value.items) checkComparison(item, place);
		else if (!key.startsWith('_')) throw unknownOperator(key, place);
	}
}

/** `{name:+1, currency:{id:-1}}`: every key a property, nested objects only under references. */
function checkOrder(type: GraphQLObjectType, literal: Literal, place: Place): void {
	if (literal.kind !== 'object') return;
	for (const { key, value } of literal.entries) {
		const field = type.getFields()[key];
		if (!field) throw unknownProperty(key, type, place);
		const kind = kindOf(field);
		if (value.kind === 'object' && kind.kind === 'reference')
			checkOrder(kind.target, value, deeper(place, key));
	}
}

/** The literal, or undefined when it is outside the grammar known here (Sage then judges it). */
function parsedOrNothing(text: string): Literal | undefined {
	try {
		return parseSageLiteral(text);
	} catch (error) {
		if (error instanceof FilterSyntaxError) return undefined;
		throw error;
	}
}

/** Refuses, before any request, a Filter naming a property or operator the schema does not have. */
export function checkFilter(info: RecordTypeInfo, text: string): void {
	const literal = parsedOrNothing(text);
	if (literal)
		checkRecordFilter(info.recordObject, literal, {
			label: 'Filter',
			recordType: info.recordType,
			path: [],
		});
}

/** Refuses, before any request, an Order By naming a property the schema does not have. */
export function checkOrderBy(info: RecordTypeInfo, text: string): void {
	const literal = parsedOrNothing(text);
	if (literal)
		checkOrder(info.recordObject, literal, {
			label: 'Order By',
			recordType: info.recordType,
			path: [],
		});
}

/** Paths listed at most: enough for any filter a person writes. */
const MAX_PATHS = 200;

/**
 * Every key path of a Filter or Order By (`{currency:{id:'EUR'}}` -> `['currency', 'id']`),
 * operators included, for loading the types on them before the check (schema-plans.ts).
 * Text outside the grammar gives none: the check then steps aside too.
 */
export function literalPaths(text: string | undefined): string[][] {
	const literal = text === undefined ? undefined : parsedOrNothing(text);
	const paths: string[][] = [];
	const walk = (value: Literal, path: string[]): void => {
		if (paths.length >= MAX_PATHS) return;
		if (value.kind === 'array') for (const item of value.items) walk(item, path);
		else if (value.kind === 'object')
			for (const { key, value: inner } of value.entries) walk(inner, [...path, key]);
		else if (path.length) paths.push(path);
	};
	if (literal) walk(literal, []);
	return paths;
}
