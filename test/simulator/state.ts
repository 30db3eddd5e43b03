/** The simulator's shared state, handed to the HTTP layer and exposed by index.ts. */
import type { GraphQLSchema } from 'graphql';
import { SimClock } from './clock';
import { Counters, emptyCounters } from './counters';
import { TenantFaults } from './faults';
import { seedRealistic } from './realistic-model';
import { SchemaScale, schemaFor } from './schema-versions';
import { SeedSizes, seedTenant } from './seed';
import type { WorkCost } from './time-limit';
import { TenantStore } from './store';
import { TokenApi } from './token-api';

export type TokenEndpointMode =
	'normal' | 'html' | 'nonJson' | 'noAccessToken' | 'noGraphqlUrl' | 'hang';

export interface GraphqlLogEntry {
	query: unknown;
	variables: unknown;
	operationName: unknown;
}

export const GRAPHQL_LOG_SIZE = 200;

export interface Tenant {
	id: string;
	store: TenantStore;
	counters: Counters;
	faults: TenantFaults;
	log: GraphqlLogEntry[];
	/** Simulated cost of work against Sage's 28-second limit; none by default (time-limit.ts). */
	workCost?: WorkCost;
	/** The largest `first` this tenant accepts (undefined: MAX_PAGE_SIZE). */
	maxPageSize?: number;
}

export class SimState {
	readonly tenants = new Map<string, Tenant>();
	tokenMode: TokenEndpointMode = 'normal';
	/** What every tenant's GraphQL endpoint serves; a release replaces it (schema-versions.ts). */
	schema: GraphQLSchema;

	constructor(
		readonly clock: SimClock,
		readonly tokens: TokenApi,
		readonly defaultTenantId: string,
		readonly schemaScale: SchemaScale = 'small',
	) {
		this.schema = schemaFor(schemaScale);
	}

	addTenant(id: string, sizes?: SeedSizes): Tenant {
		if (this.tenants.has(id)) throw new Error(`Tenant '${id}' already exists`);
		if (!/^[A-Za-z0-9._-]+$/.test(id))
			throw new Error(`Tenant id '${id}' must be made of letters, digits, '.', '_' and '-'`);
		const store = new TenantStore(id, this.clock);
		seedTenant(store, sizes);
		if (this.schemaScale === 'real') seedRealistic(store);
		const tenant: Tenant = {
			id,
			store,
			counters: emptyCounters(),
			faults: new TenantFaults(),
			log: [],
		};
		this.tenants.set(id, tenant);
		return tenant;
	}

	tenant(id?: string): Tenant {
		const t = this.tenants.get(id ?? this.defaultTenantId);
		if (!t) throw new Error(`Unknown tenant '${id}'`);
		return t;
	}
}
