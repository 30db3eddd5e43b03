/**
 * The secret guard runs around every test file (jest setupFilesAfterEnv). It collects what
 * a user or an operator could see — console and stdout/stderr lines, node output items,
 * error messages, n8n log lines (the engine harness and tests hand those over through
 * `observe`) — and fails the file if any client secret or any token the simulator issued
 * appears in it.
 */
const GUARD_KEY = Symbol.for('n8n-nodes-sage-erp.secretGuard');

export interface SecretGuard {
	/** A value that must never be seen: a client secret, an access or refresh token. */
	registerSecret(value: string): void;
	/** Something a user could see: an error, an item, a log line (any JSON-able value). */
	observe(value: unknown, where?: string): void;
	/** Checks everything observed so far; throws naming where a secret was found. */
	check(): void;
	observedCount(): number;
}

function describe(value: unknown): string {
	if (typeof value === 'string') return value;
	if (value instanceof Error) {
		const extra = value as Error & { description?: unknown; cause?: unknown; hint?: unknown };
		return [
			value.name,
			value.message,
			String(extra.description ?? ''),
			String(extra.hint ?? ''),
			value.stack ?? '',
		].join('\n');
	}
	try {
		return (
			JSON.stringify(value, (_key, inner) => (inner instanceof Error ? describe(inner) : inner)) ??
			String(value)
		);
	} catch {
		return String(value);
	}
}

export function createGuard(): SecretGuard {
	const secrets = new Set<string>();
	const observed: Array<{ where: string; text: string }> = [];
	return {
		registerSecret(value) {
			if (typeof value === 'string' && value.length >= 6) secrets.add(value);
		},
		observe(value, where = 'output') {
			observed.push({ where, text: describe(value) });
		},
		check() {
			const leaks: string[] = [];
			for (const { where, text } of observed) {
				for (const secret of secrets) {
					if (text.includes(secret))
						leaks.push(
							`${where}: ...${text.slice(Math.max(0, text.indexOf(secret) - 60), text.indexOf(secret))}[SECRET]`,
						);
				}
			}
			if (leaks.length)
				throw new Error(
					`A secret or token appeared where a user could see it:\n${leaks.slice(0, 5).join('\n')}`,
				);
		},
		observedCount: () => observed.length,
	};
}

export function secretGuard(): SecretGuard {
	const holder = globalThis as unknown as Record<symbol, SecretGuard | undefined>;
	holder[GUARD_KEY] ??= createGuard();
	return holder[GUARD_KEY]!;
}

const guard = secretGuard();

// Every console line and every write to stdout/stderr is something an operator reads.
for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
	const original = console[method].bind(console);
	console[method] = (...args: unknown[]) => {
		guard.observe(args.map(describe).join(' '), `console.${method}`);
		original(...args);
	};
}
// stdout/stderr belong to the worker process and outlive each test file: wrap them once, and
// let the wrapper report to whichever file's guard is current.
const CURRENT_KEY = Symbol.for('n8n-nodes-sage-erp.secretGuard.current');
const processSlots = process as unknown as Record<symbol, SecretGuard | boolean | undefined>;
processSlots[CURRENT_KEY] = guard;
for (const stream of [process.stdout, process.stderr]) {
	const slots = stream as unknown as Record<symbol, boolean | undefined>;
	if (slots[CURRENT_KEY]) continue;
	slots[CURRENT_KEY] = true;
	const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
	(stream as unknown as { write: (...args: unknown[]) => boolean }).write = (
		chunk: unknown,
		...rest: unknown[]
	) => {
		const current = processSlots[CURRENT_KEY] as SecretGuard | undefined;
		current?.observe(
			typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '',
			'stdio',
		);
		return original(chunk, ...rest);
	};
}

afterAll(() => {
	// Jest tears this file's globals down next; stdio written later belongs to no test.
	if (processSlots[CURRENT_KEY] === guard) processSlots[CURRENT_KEY] = undefined;
	guard.check();
});

// jest-circus runs afterAll hooks in the order they were declared, so the check above runs
// BEFORE the test file's own afterAll hooks, where fixtures register the tokens the simulator
// issued and hand over n8n's log lines. Every afterAll declared from here on checks again
// once it has run, so what a fixture registers or observes at the end is checked too.
const declareAfterAll = globalThis.afterAll;
globalThis.afterAll = ((fn: jest.ProvidesHookCallback, timeout?: number) =>
	declareAfterAll(async () => {
		if (fn.length > 0) {
			await new Promise<void>((resolve, reject) =>
				(fn as jest.DoneCallback & ((done: (error?: unknown) => void) => void))(
					(error?: unknown) => (error ? reject(error) : resolve()),
				),
			);
		} else {
			await (fn as () => unknown)();
		}
		guard.check();
	}, timeout)) as typeof afterAll;
