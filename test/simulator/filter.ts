/**
 * Sage filter and orderBy strings: a real tokenizer and parser for the JS-like
 * object literal Xtrem accepts (unquoted keys, single- or double-quoted
 * strings, numbers, true/false/null), then a compiler that turns the parsed
 * object into a predicate or a sort key list checked against the node model.
 * No eval: anything outside the grammar is refused with its position.
 */
import { NodeDef, PropDef, Rec, nodeDef } from './model';

export class FilterError extends Error {}

// ---------------------------------------------------------------- tokenizer

type TokType = 'punct' | 'ident' | 'string' | 'number' | 'eof';
interface Token {
	type: TokType;
	text: string; // punct char, identifier, raw number text
	value?: string | number; // decoded string / number
	pos: number;
}

const PUNCT = new Set(['{', '}', '[', ']', ':', ',']);

function tokenize(src: string, label: string): Token[] {
	const toks: Token[] = [];
	let i = 0;
	while (i < src.length) {
		const c = src[i];
		if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
			i++;
			continue;
		}
		if (PUNCT.has(c)) {
			toks.push({ type: 'punct', text: c, pos: i });
			i++;
			continue;
		}
		if (c === "'" || c === '"') {
			const start = i;
			let out = '';
			i++;
			for (;;) {
				if (i >= src.length)
					throw new FilterError(
						`Invalid ${label}: unterminated string starting at position ${start}`,
					);
				const d = src[i];
				if (d === c) {
					i++;
					break;
				}
				if (d === '\\') {
					const e = src[i + 1];
					if (e === undefined)
						throw new FilterError(
							`Invalid ${label}: unterminated string starting at position ${start}`,
						);
					if (e === 'n') out += '\n';
					else if (e === 't') out += '\t';
					else if (e === 'r') out += '\r';
					else if (e === 'u') {
						const hex = src.slice(i + 2, i + 6);
						if (!/^[0-9a-fA-F]{4}$/.test(hex))
							throw new FilterError(`Invalid ${label}: bad \\u escape at position ${i}`);
						out += String.fromCharCode(parseInt(hex, 16));
						i += 4;
					} else if (e === "'" || e === '"' || e === '\\' || e === '/') out += e;
					// Other escapes keep their backslash so regex strings such as '^A\\.B' survive.
					else out += '\\' + e;
					i += 2;
					continue;
				}
				out += d;
				i++;
			}
			toks.push({ type: 'string', text: src.slice(start, i), value: out, pos: start });
			continue;
		}
		const num = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i, i + 64));
		if (num && (c === '+' || c === '-' || c === '.' || (c >= '0' && c <= '9'))) {
			toks.push({ type: 'number', text: num[0], value: Number(num[0]), pos: i });
			i += num[0].length;
			continue;
		}
		const id = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(i, i + 256));
		if (id) {
			toks.push({ type: 'ident', text: id[0], pos: i });
			i += id[0].length;
			continue;
		}
		throw new FilterError(`Invalid ${label}: unexpected '${c}' at position ${i}`);
	}
	toks.push({ type: 'eof', text: '', pos: src.length });
	return toks;
}

// ---------------------------------------------------------------- parser

export type Ast =
	| { kind: 'object'; pos: number; entries: { key: string; keyPos: number; value: Ast }[] }
	| { kind: 'array'; pos: number; items: Ast[] }
	| { kind: 'scalar'; pos: number; value: string | number | boolean | null };

/** Parses a filter/orderBy literal into an AST. `label` names the argument in errors. */
export function parseLiteral(src: string, label: string): Ast {
	const toks = tokenize(src, label);
	let k = 0;
	const unexpected = (t: Token): FilterError =>
		new FilterError(
			t.type === 'eof'
				? `Invalid ${label}: unexpected end of input at position ${t.pos}`
				: `Invalid ${label}: unexpected '${t.text}' at position ${t.pos}`,
		);
	const expect = (text: string): Token => {
		const t = toks[k];
		if (t.type !== 'punct' || t.text !== text) throw unexpected(t);
		k++;
		return t;
	};
	const value = (): Ast => {
		const t = toks[k];
		if (t.type === 'punct' && t.text === '{') return object();
		if (t.type === 'punct' && t.text === '[') {
			k++;
			const items: Ast[] = [];
			if (toks[k].type === 'punct' && toks[k].text === ']') {
				k++;
				return { kind: 'array', pos: t.pos, items };
			}
			for (;;) {
				items.push(value());
				const n = toks[k];
				if (n.type === 'punct' && n.text === ',') {
					k++;
					if (toks[k].type === 'punct' && toks[k].text === ']') {
						k++;
						break;
					}
					continue;
				}
				if (n.type === 'punct' && n.text === ']') {
					k++;
					break;
				}
				throw unexpected(n);
			}
			return { kind: 'array', pos: t.pos, items };
		}
		if (t.type === 'string' || t.type === 'number') {
			k++;
			return { kind: 'scalar', pos: t.pos, value: t.value! };
		}
		if (t.type === 'ident') {
			k++;
			if (t.text === 'true') return { kind: 'scalar', pos: t.pos, value: true };
			if (t.text === 'false') return { kind: 'scalar', pos: t.pos, value: false };
			if (t.text === 'null') return { kind: 'scalar', pos: t.pos, value: null };
			throw new FilterError(`Invalid ${label}: unexpected '${t.text}' at position ${t.pos}`);
		}
		throw unexpected(t);
	};
	const object = (): Ast => {
		const open = expect('{');
		const entries: { key: string; keyPos: number; value: Ast }[] = [];
		if (toks[k].type === 'punct' && toks[k].text === '}') {
			k++;
			return { kind: 'object', pos: open.pos, entries };
		}
		for (;;) {
			const kt = toks[k];
			if (kt.type !== 'ident' && kt.type !== 'string') throw unexpected(kt);
			k++;
			expect(':');
			entries.push({
				key: kt.type === 'string' ? String(kt.value) : kt.text,
				keyPos: kt.pos,
				value: value(),
			});
			const n = toks[k];
			if (n.type === 'punct' && n.text === ',') {
				k++;
				if (toks[k].type === 'punct' && toks[k].text === '}') {
					k++;
					break;
				}
				continue;
			}
			if (n.type === 'punct' && n.text === '}') {
				k++;
				break;
			}
			throw unexpected(n);
		}
		return { kind: 'object', pos: open.pos, entries };
	};
	// A filter may be an array of filters (AND); an order is one object.
	const ast =
		label === 'filter' && toks[k].type === 'punct' && toks[k].text === '[' ? value() : object();
	if (toks[k].type !== 'eof') throw unexpected(toks[k]);
	return ast;
}

// ---------------------------------------------------------------- compiler

/** What the compiler needs from the store to follow references and collections. */
export interface RecordSource {
	getRecord(recordType: string, id: number): Rec | undefined;
	children(parentType: string, collection: PropDef, parentId: number): Rec[];
	/** Resolves '#naturalKey' or '_id' text to an _id (undefined when no such record). */
	resolveRef(recordType: string, text: string): number | undefined;
}

export type Predicate = (rec: Rec) => boolean;
type Comparable = string | number | boolean | null;

/**
 * The operators of Sage's filter documentation (sage-api.md: `_eq _ne _gt _gte _lt _lte _in
 * _regex _or _not _atLeast _atMost`, and `_and`, `_nin`; on collections `_none` and `_every`),
 * written from the documentation, never from the client's check: the two must be able to disagree.
 */
const OPERATORS = new Set([
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
	'_atLeast',
	'_atMost',
	'_none',
	'_every',
]);

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Converts a filter literal to the stored representation of a property, or refuses it. */
function coerce(prop: PropDef, ast: Ast, src: RecordSource, owner: NodeDef): Comparable {
	if (ast.kind !== 'scalar')
		throw new FilterError(
			`Invalid filter: property '${prop.name}' of ${owner.typeName} expects a value, got ${ast.kind} at position ${ast.pos}`,
		);
	const v = ast.value;
	if (v === null) return null;
	const bad = (what: string): FilterError =>
		new FilterError(
			`Invalid filter: property '${prop.name}' of ${owner.typeName} expects ${what}, got ${JSON.stringify(v)} at position ${ast.pos}`,
		);
	switch (prop.kind) {
		case 'id': {
			const n =
				typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
			if (!Number.isInteger(n)) throw bad('an _id');
			return n;
		}
		case 'string':
			if (typeof v !== 'string') throw bad('a string');
			return v;
		case 'enum':
			if (typeof v !== 'string' || !prop.enumValues!.includes(v))
				throw bad(`one of ${prop.enumValues!.join(', ')}`);
			return v;
		case 'boolean':
			if (typeof v !== 'boolean') throw bad('true or false');
			return v;
		case 'int':
		case 'decimal': {
			const n =
				typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
			if (!Number.isFinite(n) || (prop.kind === 'int' && !Number.isInteger(n)))
				throw bad(prop.kind === 'int' ? 'an integer' : 'a number');
			return n;
		}
		case 'date':
			if (typeof v !== 'string' || !DATE_RE.test(v)) throw bad("a date 'YYYY-MM-DD'");
			return v;
		case 'datetime': {
			const ms = typeof v === 'string' ? Date.parse(v) : NaN;
			if (!Number.isFinite(ms)) throw bad('an ISO date-time');
			return ms;
		}
		case 'reference': {
			if (typeof v === 'number' && Number.isInteger(v)) return v;
			if (typeof v !== 'string') throw bad("a reference ('#naturalKey' or an _id)");
			const id = src.resolveRef(prop.target!, v);
			// An unknown key matches nothing rather than failing: the record may simply not exist.
			return id ?? -1;
		}
		default:
			throw bad('a value');
	}
}

function cmp(a: Comparable, b: Comparable): number {
	return a! < b! ? -1 : a! > b! ? 1 : 0;
}

function compileScalarOps(
	prop: PropDef,
	ast: Ast,
	get: (r: Rec) => unknown,
	src: RecordSource,
	owner: NodeDef,
): Predicate {
	if (ast.kind === 'scalar') {
		const want = coerce(prop, ast, src, owner);
		return (r) => (get(r) ?? null) === want;
	}
	if (ast.kind === 'array')
		throw new FilterError(
			`Invalid filter: property '${prop.name}' cannot take an array at position ${ast.pos} (use _in)`,
		);
	const preds: Predicate[] = [];
	const options = ast.entries.find((e) => e.key === '_options');
	for (const { key, keyPos, value } of ast.entries) {
		const list = (): Comparable[] => {
			if (value.kind !== 'array')
				throw new FilterError(`Invalid filter: ${key} expects an array at position ${value.pos}`);
			return value.items.map((it) => coerce(prop, it, src, owner));
		};
		switch (key) {
			case '_eq': {
				const w = coerce(prop, value, src, owner);
				preds.push((r) => (get(r) ?? null) === w);
				break;
			}
			case '_ne': {
				const w = coerce(prop, value, src, owner);
				preds.push((r) => (get(r) ?? null) !== w);
				break;
			}
			case '_gt':
			case '_gte':
			case '_lt':
			case '_lte': {
				const w = coerce(prop, value, src, owner);
				if (w === null)
					throw new FilterError(
						`Invalid filter: ${key} cannot compare with null at position ${value.pos}`,
					);
				const test =
					key === '_gt'
						? (c: number) => c > 0
						: key === '_gte'
							? (c: number) => c >= 0
							: key === '_lt'
								? (c: number) => c < 0
								: (c: number) => c <= 0;
				preds.push((r) => {
					const v = get(r);
					return v !== null && v !== undefined && test(cmp(v as Comparable, w));
				});
				break;
			}
			case '_in': {
				const set = new Set(list());
				preds.push((r) => set.has((get(r) ?? null) as Comparable));
				break;
			}
			case '_nin': {
				const set = new Set(list());
				preds.push((r) => !set.has((get(r) ?? null) as Comparable));
				break;
			}
			case '_regex': {
				if (value.kind !== 'scalar' || typeof value.value !== 'string')
					throw new FilterError(`Invalid filter: _regex expects a string at position ${value.pos}`);
				let flags = '';
				if (options) {
					if (
						options.value.kind !== 'scalar' ||
						typeof options.value.value !== 'string' ||
						!/^[imsu]*$/.test(options.value.value)
					)
						throw new FilterError(
							`Invalid filter: _options expects flags among 'imsu' at position ${options.value.pos}`,
						);
					flags = options.value.value;
				}
				let re: RegExp;
				try {
					re = new RegExp(value.value, flags);
				} catch (e) {
					throw new FilterError(
						`Invalid filter: bad _regex at position ${value.pos}: ${(e as Error).message}`,
					);
				}
				preds.push((r) => {
					const v = get(r);
					return v !== null && v !== undefined && re.test(String(v));
				});
				break;
			}
			case '_options':
				if (!ast.entries.some((e) => e.key === '_regex'))
					throw new FilterError(`Invalid filter: _options without _regex at position ${keyPos}`);
				break;
			case '_not': {
				const inner = compileScalarOps(prop, value, get, src, owner);
				preds.push((r) => !inner(r));
				break;
			}
			case '_and':
			case '_or': {
				if (value.kind !== 'array')
					throw new FilterError(`Invalid filter: ${key} expects an array at position ${value.pos}`);
				const parts = value.items.map((it) => compileScalarOps(prop, it, get, src, owner));
				preds.push(
					key === '_and' ? (r) => parts.every((p) => p(r)) : (r) => parts.some((p) => p(r)),
				);
				break;
			}
			default:
				throw new FilterError(
					OPERATORS.has(key)
						? `Invalid filter: operator '${key}' does not apply to property '${prop.name}' at position ${keyPos}`
						: `Invalid filter: unknown operator '${key}' on property '${prop.name}' at position ${keyPos}`,
				);
		}
	}
	return all(preds);
}

function all(preds: Predicate[]): Predicate {
	if (preds.length === 0) return () => true;
	if (preds.length === 1) return preds[0];
	if (preds.length === 2) {
		const [a, b] = preds;
		return (r) => a(r) && b(r);
	}
	return (r) => preds.every((p) => p(r));
}

/** Compiles an object filter on `def` records (the records themselves are handed to the predicate). */
function compileNodeFilter(def: NodeDef, ast: Ast, src: RecordSource): Predicate {
	// An array means AND: "[{a: 0},{b: false}]".
	if (ast.kind === 'array') return all(ast.items.map((item) => compileNodeFilter(def, item, src)));
	if (ast.kind !== 'object')
		throw new FilterError(`Invalid filter: expected an object at position ${ast.pos}`);
	const preds: Predicate[] = [];
	for (const { key, keyPos, value } of ast.entries) {
		if (key === '_and' || key === '_or') {
			if (value.kind !== 'array')
				throw new FilterError(`Invalid filter: ${key} expects an array at position ${value.pos}`);
			const parts = value.items.map((it) => compileNodeFilter(def, it, src));
			preds.push(key === '_and' ? (r) => parts.every((p) => p(r)) : (r) => parts.some((p) => p(r)));
			continue;
		}
		if (key === '_not') {
			const inner = compileNodeFilter(def, value, src);
			preds.push((r) => !inner(r));
			continue;
		}
		const prop = def.propMap.get(key);
		if (!prop) {
			if (OPERATORS.has(key))
				throw new FilterError(
					`Invalid filter: operator '${key}' is not allowed here (position ${keyPos})`,
				);
			throw new FilterError(
				`Invalid filter: unknown property '${key}' on ${def.typeName} (position ${keyPos})`,
			);
		}
		preds.push(compileProperty(def, prop, value, src));
	}
	return all(preds);
}

function compileProperty(def: NodeDef, prop: PropDef, value: Ast, src: RecordSource): Predicate {
	const name = prop.name;
	const get = (r: Rec): unknown => r[name];
	if (prop.kind === 'reference') {
		// A scalar or operators compare the reference itself; property keys filter the referenced record.
		if (value.kind !== 'object') return compileScalarOps(prop, value, get, src, def);
		const target = nodeDef(prop.target!);
		const opEntries = value.entries.filter(
			(e) =>
				e.key.startsWith('_') &&
				!target.propMap.has(e.key) &&
				e.key !== '_and' &&
				e.key !== '_or' &&
				e.key !== '_not',
		);
		const subEntries = value.entries.filter((e) => !opEntries.includes(e));
		const preds: Predicate[] = [];
		if (opEntries.length)
			preds.push(
				compileScalarOps(
					prop,
					{ kind: 'object', pos: value.pos, entries: opEntries },
					get,
					src,
					def,
				),
			);
		if (subEntries.length || !opEntries.length) {
			const inner = compileNodeFilter(
				target,
				{ kind: 'object', pos: value.pos, entries: subEntries },
				src,
			);
			preds.push((r) => {
				const id = r[name] as number | null;
				if (id === null || id === undefined) return false;
				const t = src.getRecord(target.recordType, id);
				return t !== undefined && inner(t);
			});
		}
		return all(preds);
	}
	if (prop.kind === 'collection') {
		// {lines: {_atLeast: 1, item: {id: 'X'}}}: count matching children. Default is _atLeast: 1.
		// {lines: {_every: true, quantity: {_gt: 10}}}: every child matches (a record without children too).
		if (value.kind !== 'object')
			throw new FilterError(
				`Invalid filter: collection '${name}' expects an object at position ${value.pos}`,
			);
		const child = nodeDef(prop.target!);
		let atLeast: number | undefined;
		let atMost: number | undefined;
		let every = false;
		const rest = value.entries.filter((e) => {
			if (e.key === '_atLeast' || e.key === '_atMost' || e.key === '_none' || e.key === '_every') {
				const v = e.value;
				if (e.key === '_none' || e.key === '_every') {
					if (v.kind !== 'scalar' || v.value !== true)
						throw new FilterError(`Invalid filter: ${e.key} expects true at position ${v.pos}`);
					if (e.key === '_none') atMost = 0;
					else every = true;
					return false;
				}
				if (
					v.kind !== 'scalar' ||
					typeof v.value !== 'number' ||
					!Number.isInteger(v.value) ||
					v.value < 0
				)
					throw new FilterError(
						`Invalid filter: ${e.key} expects a non-negative integer at position ${v.pos}`,
					);
				if (e.key === '_atLeast') atLeast = v.value;
				else atMost = v.value;
				return false;
			}
			return true;
		});
		if (every && (atLeast !== undefined || atMost !== undefined))
			throw new FilterError(
				`Invalid filter: _every cannot be combined with _atLeast, _atMost or _none at position ${value.pos}`,
			);
		if (atLeast === undefined && atMost === undefined && !every) atLeast = 1;
		const inner = compileNodeFilter(child, { kind: 'object', pos: value.pos, entries: rest }, src);
		if (every) return (r) => src.children(def.recordType, prop, r._id).every((c) => inner(c));
		return (r) => {
			let n = 0;
			for (const c of src.children(def.recordType, prop, r._id)) if (inner(c)) n++;
			return (atLeast === undefined || n >= atLeast) && (atMost === undefined || n <= atMost);
		};
	}
	return compileScalarOps(prop, value, get, src, def);
}

/** Compiles a filter string (JS-like or JSON object) for records of `recordType`. Empty means "all". */
export function compileFilter(
	recordType: string,
	text: string | null | undefined,
	src: RecordSource,
): Predicate | null {
	if (text === null || text === undefined || text.trim() === '') return null;
	const ast = parseLiteral(text, 'filter');
	if (ast.kind === 'object' && ast.entries.length === 0) return null;
	return compileNodeFilter(nodeDef(recordType), ast, src);
}

// ---------------------------------------------------------------- orderBy

export interface SortKey {
	/** Dotted path, for messages. */
	path: string;
	dir: 1 | -1;
	/** Kind of the final property (types cursor values). */
	kind: PropDef['kind'];
	get: (r: Rec) => Comparable;
}

function compileOrderObject(
	def: NodeDef,
	ast: Ast,
	src: RecordSource,
	prefix: string,
	via: ((r: Rec) => Rec | undefined) | null,
	out: SortKey[],
): void {
	if (ast.kind !== 'object')
		throw new FilterError(`Invalid orderBy: expected an object at position ${ast.pos}`);
	for (const { key, keyPos, value } of ast.entries) {
		const prop = def.propMap.get(key);
		const path = prefix + key;
		if (!prop)
			throw new FilterError(
				`Invalid orderBy: unknown property '${key}' on ${def.typeName} (position ${keyPos})`,
			);
		if (prop.kind === 'collection')
			throw new FilterError(
				`Invalid orderBy: cannot sort on collection '${path}' (position ${keyPos})`,
			);
		if (value.kind === 'object') {
			if (prop.kind !== 'reference')
				throw new FilterError(
					`Invalid orderBy: '${path}' is not a reference (position ${value.pos})`,
				);
			const target = nodeDef(prop.target!);
			const follow = (r: Rec): Rec | undefined => {
				const base = via ? via(r) : r;
				const id = base ? (base[key] as number | null) : null;
				return id === null || id === undefined ? undefined : src.getRecord(target.recordType, id);
			};
			compileOrderObject(target, value, src, path + '.', follow, out);
			continue;
		}
		if (value.kind !== 'scalar' || (value.value !== 1 && value.value !== -1))
			throw new FilterError(`Invalid orderBy: '${path}' expects +1 or -1 at position ${value.pos}`);
		const get = via
			? (r: Rec): Comparable => {
					const t = via(r);
					return t ? ((t[key] ?? null) as Comparable) : null;
				}
			: (r: Rec): Comparable => (r[key] ?? null) as Comparable;
		out.push({ path, dir: value.value as 1 | -1, kind: prop.kind, get });
	}
}

/**
 * Compiles an orderBy string into sort keys. `_id` is always the final
 * tie-breaker (appended ascending unless the caller sorted on it), so every
 * order is total and cursors are unambiguous.
 */
export function compileOrderBy(
	recordType: string,
	text: string | null | undefined,
	src: RecordSource,
): SortKey[] {
	const def = nodeDef(recordType);
	const keys: SortKey[] = [];
	if (text !== null && text !== undefined && text.trim() !== '')
		compileOrderObject(def, parseLiteral(text, 'orderBy'), src, '', null, keys);
	if (!keys.some((k) => k.path === '_id'))
		keys.push({ path: '_id', dir: 1, kind: 'id', get: (r) => r._id });
	// Keys after a top-level _id can never matter.
	const idAt = keys.findIndex((k) => k.path === '_id');
	return keys.slice(0, idAt + 1);
}

/** Compares two key tuples under the given sort keys; nulls sort first ascending. */
export function compareKeys(keys: SortKey[], a: Comparable[], b: Comparable[]): number {
	for (let i = 0; i < keys.length; i++) {
		const x = a[i];
		const y = b[i];
		if (x === y) continue;
		let c: number;
		if (x === null) c = -1;
		else if (y === null) c = 1;
		else c = x < y ? -1 : x > y ? 1 : 0;
		if (c !== 0) return c * keys[i].dir;
	}
	return 0;
}

export type { Comparable };
