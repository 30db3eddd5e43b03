/**
 * Hands what a user or operator could see (n8n log lines, node output items, errors, hints,
 * credential test messages) to the project's secret guard (test/setup/secret-guard.ts) when
 * it is installed for the current test file. Reached through its global symbol, so the harness
 * works (and does nothing extra) without it.
 */
const GUARD_KEY = Symbol.for('n8n-nodes-sage-erp.secretGuard');

interface GuardLike {
	observe(value: unknown, where?: string): void;
}

export function observeForSecrets(value: unknown, where: string): void {
	const guard = (globalThis as unknown as Record<symbol, GuardLike | undefined>)[GUARD_KEY];
	if (guard && typeof guard.observe === 'function') guard.observe(value, where);
}
