/**
 * The Sage ERP simulator: a strict, fast stand-in for Sage DMO's token API and
 * Xtrem GraphQL API, served on loopback. See README.md for the whole API.
 *
 *   const sim = await startSimulator();
 *   ... sim.tokenUrl, sim.client, sim.counters(), sim.faults().set({...}) ...
 *   await sim.stop();
 */
import { randomBytes } from 'node:crypto';
import { ReportsHandle, reportsHandle } from './async-report';
import { SimClock } from './clock';
import { Counters, emptyCounters, snapshotCounters } from './counters';
import { FaultConfig } from './faults';
import { nodeDef } from './model';
import { insertDirect, toView, updateDirect } from './rules';
import { SeedSizes } from './seed';
import { MAX_PAGE_SIZE } from './schema';
import { SchemaRelease, SchemaScale, schemaFor } from './schema-versions';
import { SimHttpServer } from './server';
import { GraphqlLogEntry, SimState, TokenEndpointMode } from './state';
import type { WorkCost } from './time-limit';
import {
	ClientRegistration,
	ExpiryStyle,
	GraphqlUrlKey,
	TokenAnswerStyle,
	TokenApi,
} from './token-api';

export type { ReportsHandle };
export { REPORT_DONE_MS, REPORT_QUEUED_MS } from './async-report';
export type { SchemaRelease, SchemaScale, WorkCost };
export { REALISTIC_DATA_TYPES, REALISTIC_RECORDS } from './realistic-model';
export { SAGE_TIME_LIMIT_MESSAGE } from './time-limit';
export type {
	Counters,
	FaultConfig,
	SeedSizes,
	ExpiryStyle,
	GraphqlUrlKey,
	TokenAnswerStyle,
	TokenEndpointMode,
	GraphqlLogEntry,
	ClientRegistration,
};
export { ACCESS_PREFIX, REFRESH_PREFIX } from './token-api';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, buildSdl } from './schema';

export const DEFAULT_TENANT_ID = 'demo-tenant';
export const DEFAULT_CLIENT_ID = 'sim-client';

export interface SimulatorOptions {
	/** Default 0 (a random free port). The server listens on 127.0.0.1 only. */
	port?: number;
	accessTokenTtlSec?: number; // default 900
	refreshTokenTtlSec?: number; // default 3600
	/** How token expiries are written: ISO strings, epoch seconds, or expiresIn/refreshExpiresIn seconds. Default 'iso'. */
	expiryStyle?: ExpiryStyle;
	/** Key of the GraphQL URL in the token response's urls{}. Default 'graphQL'. */
	graphqlUrlKey?: GraphqlUrlKey;
	/** 'accessOnly': answers as Sage's newer docs show them, without refresh token or refresh URL. Default 'withRefresh'. */
	tokenAnswerStyle?: TokenAnswerStyle;
	/** Default tenant's data sizes. Default 250 customers, 50 items, 40 sales orders. */
	seed?: SeedSizes;
	/** Default client of the default tenant. Default: 'sim-client', a random secret, tenant 'demo-tenant'. */
	client?: Partial<ClientRegistration>;
	/** 'real': a real tenant's size (about 1,000 node types, megabytes of introspection; realistic-model.ts). Default 'small'. */
	schemaScale?: SchemaScale;
}

export interface SimStoreAccess {
	/** Records in _id order, as plain copies (_id string, stamps ISO, references as the target's _id string). */
	list(recordType: string): Record<string, unknown>[];
	get(recordType: string, id: string | number): Record<string, unknown> | undefined;
	count(recordType: string): number;
	/** Inserts without business rules or counters; references as '#key' or _id; stamps from the clock. */
	insert(recordType: string, data: Record<string, unknown>): Record<string, unknown>;
	update(
		recordType: string,
		id: string | number,
		patch: Record<string, unknown>,
	): Record<string, unknown>;
	remove(recordType: string, id: string | number): boolean;
	/** Full-table scans `query` made so far (a (filter, orderBy) not in the cache): a count that shows paging cost, where a timing would vary with load. */
	scans(): number;
}

export interface FaultsHandle {
	set(config: FaultConfig): void;
	clear(): void;
	get(): FaultConfig;
}

export interface Simulator {
	readonly baseUrl: string;
	readonly tokenUrl: string;
	readonly client: ClientRegistration;
	readonly port: number;
	readonly defaultTenantId: string;
	graphqlUrl(tenantId?: string): string;
	addTenant(tenantId: string, seed?: SeedSizes): void;
	addClient(client: ClientRegistration): void;
	setClientSecret(clientId: string, newSecret: string): void;
	counters(tenantId?: string): Counters;
	resetCounters(): void;
	readonly clock: SimClock;
	faults(tenantId?: string): FaultsHandle;
	revokeAllTokens(tenantId?: string): void;
	issuedTokens(): string[];
	tokenEndpointMode(mode: TokenEndpointMode): void;
	store(tenantId?: string): SimStoreAccess;
	/** Asynchronous report jobs (async-report.ts): what was started, and the status words used. */
	reports(tenantId?: string): ReportsHandle;
	graphqlLog(tenantId?: string): GraphqlLogEntry[];
	clearGraphqlLog(tenantId?: string): void;
	/** Client connections open right now, idle keep-alive ones included (every tenant). */
	openConnections(): number;
	readonly schemaScale: SchemaScale;
	/** Sage ships a release: from now on every tenant's GraphQL endpoint serves that schema. */
	releaseSchema(release: SchemaRelease): void;
	/** Simulated cost of work against Sage's 28-second limit (undefined: none, the default). */
	workCost(cost: WorkCost | undefined, tenantId?: string): void;
	/**
	 * The largest `first` the tenant accepts (undefined: MAX_PAGE_SIZE, 1000); above it a query
	 * is refused with `The page size (first) cannot exceed <n>.`
	 */
	maxPageSize(size: number | undefined, tenantId?: string): void;
	stop(): Promise<void>;
}

function toId(id: string | number): number {
	const n = typeof id === 'number' ? id : Number(id);
	if (!Number.isInteger(n)) throw new Error(`Invalid _id '${id}'`);
	return n;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	const clock = new SimClock();
	let baseUrl = '';
	const tenantId = options.client?.tenantId ?? DEFAULT_TENANT_ID;
	const tokens: TokenApi = new TokenApi(
		clock,
		{
			accessTokenTtlSec: options.accessTokenTtlSec ?? 900,
			refreshTokenTtlSec: options.refreshTokenTtlSec ?? 3600,
			expiryStyle: options.expiryStyle ?? 'iso',
			graphqlUrlKey: options.graphqlUrlKey ?? 'graphQL',
			answerStyle: options.tokenAnswerStyle ?? 'withRefresh',
		},
		() => baseUrl,
		(t: string): boolean => state.tenants.has(t),
	);
	const state: SimState = new SimState(clock, tokens, tenantId, options.schemaScale ?? 'small');
	state.addTenant(tenantId, options.seed);
	const client: ClientRegistration = {
		clientId: options.client?.clientId ?? DEFAULT_CLIENT_ID,
		clientSecret:
			options.client?.clientSecret ?? `sim-secret-${randomBytes(18).toString('base64url')}`,
		tenantId,
	};
	tokens.addClient(client);

	const server = new SimHttpServer(state);
	const port = await server.listen(options.port ?? 0);
	baseUrl = `http://127.0.0.1:${port}`;

	const storeAccess = (tid?: string): SimStoreAccess => {
		const store = state.tenant(tid).store;
		return {
			list: (rt) => {
				const def = nodeDef(rt);
				return Array.from(store.all(rt), (r) => toView(def, r));
			},
			get: (rt, id) => {
				const r = store.getRecord(rt, toId(id));
				return r ? toView(nodeDef(rt), r) : undefined;
			},
			count: (rt) => store.count(rt),
			insert: (rt, data) => toView(nodeDef(rt), insertDirect(store, nodeDef(rt), data)),
			update: (rt, id, patch) =>
				toView(nodeDef(rt), updateDirect(store, nodeDef(rt), toId(id), patch)),
			remove: (rt, id) => store.removeRecord(nodeDef(rt).recordType, toId(id)),
			scans: () => store.scans,
		};
	};

	return {
		baseUrl,
		tokenUrl: `${baseUrl}/v1/token`,
		client: { ...client },
		port,
		defaultTenantId: tenantId,
		graphqlUrl: (tid) => `${baseUrl}/v1/fwd/${encodeURIComponent(tid ?? tenantId)}/api`,
		addTenant: (tid, seed) => void state.addTenant(tid, seed),
		addClient: (c) => {
			if (!state.tenants.has(c.tenantId))
				throw new Error(`Unknown tenant '${c.tenantId}': addTenant first`);
			tokens.addClient(c);
		},
		setClientSecret: (cid, secret) => tokens.setClientSecret(cid, secret),
		counters: (tid) => snapshotCounters(state.tenant(tid).counters),
		resetCounters: () => {
			for (const t of state.tenants.values()) t.counters = emptyCounters();
		},
		clock,
		faults: (tid) => {
			const f = state.tenant(tid).faults;
			return { set: (c) => f.set(c), clear: () => f.clear(), get: () => f.get() };
		},
		revokeAllTokens: (tid) => void tokens.revokeTenant(state.tenant(tid).id),
		issuedTokens: () => [...tokens.issued],
		tokenEndpointMode: (mode) => {
			state.tokenMode = mode;
		},
		store: storeAccess,
		reports: (tid) => reportsHandle(state.tenant(tid).store),
		graphqlLog: (tid) => state.tenant(tid).log.map((e) => ({ ...e })),
		clearGraphqlLog: (tid) => {
			state.tenant(tid).log.length = 0;
		},
		openConnections: () => server.openConnections,
		schemaScale: state.schemaScale,
		releaseSchema: (release) => {
			state.schema = schemaFor(state.schemaScale, release);
		},
		workCost: (cost, tid) => {
			state.tenant(tid).workCost = cost ? { ...cost } : undefined;
		},
		maxPageSize: (size, tid) => {
			if (size !== undefined && (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE))
				throw new Error(`maxPageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
			state.tenant(tid).maxPageSize = size;
		},
		stop: () => server.stop(),
	};
}
