/**
 * Per-tenant counters: what the simulator saw and did. Tests and benchmarks
 * read them to prove behaviour (e.g. "renewed exactly once", "the mutation was
 * applied although the client saw a reset").
 */
export type MutationKind = 'create' | 'update' | 'delete';

export interface MutationCounts {
	create: number;
	update: number;
	delete: number;
}

export interface Counters {
	/** Successful token exchanges (POST /v1/token). */
	exchanges: number;
	/** Refused token exchanges (400/401/403). */
	exchangesRejected: number;
	/** Successful renewals (POST /v1/token/renew). */
	renewals: number;
	/** Refused renewals (used, expired, revoked, unknown refresh token). */
	renewalsRejected: number;
	/** DELETE /v1/token requests (one per request, whatever it named). */
	invalidations: number;
	/** Every request received at the tenant's GraphQL URL, whatever its outcome. */
	graphqlRequests: number;
	/** GraphQL requests answered 401. */
	graphqlUnauthorized: number;
	/** Of those executed, the ones that only asked for the schema (`__schema`, `__type`), and the bytes of their answers. */
	graphqlIntrospections: number;
	introspectionBytes: number;
	/** Bytes of every GraphQL answer body the tenant sent. */
	graphqlBytes: number;
	/** Mutations applied (only those that took effect). */
	mutations: MutationCounts;
	mutationsByType: Record<string, MutationCounts>;
	/** Mutations refused with an error (a business rule, a duplicate key...): tried, not applied. */
	mutationsRefused: MutationCounts;
	/** Injected faults by kind: '429', '500', '502', '503', '504', reset, hang, oversize, latency. */
	faultsInjected: Record<string, number>;
}

export function emptyCounters(): Counters {
	return {
		exchanges: 0,
		exchangesRejected: 0,
		renewals: 0,
		renewalsRejected: 0,
		invalidations: 0,
		graphqlRequests: 0,
		graphqlUnauthorized: 0,
		graphqlIntrospections: 0,
		introspectionBytes: 0,
		graphqlBytes: 0,
		mutations: { create: 0, update: 0, delete: 0 },
		mutationsByType: {},
		mutationsRefused: { create: 0, update: 0, delete: 0 },
		faultsInjected: {},
	};
}

export function countMutation(c: Counters, recordType: string, kind: MutationKind): void {
	c.mutations[kind]++;
	const byType = (c.mutationsByType[recordType] ??= { create: 0, update: 0, delete: 0 });
	byType[kind]++;
}

export function countFault(c: Counters, kind: string): void {
	c.faultsInjected[kind] = (c.faultsInjected[kind] ?? 0) + 1;
}

/** A deep copy, so callers can keep a snapshot and compare it later. */
export function snapshotCounters(c: Counters): Counters {
	return JSON.parse(JSON.stringify(c)) as Counters;
}
