import { graphql, type GraphQLSchema } from 'graphql';

import type { GraphQLExecutor } from '../../sage-client/schema/schema';

/**
 * What the schema loaders send to, answered by graphql-js executing a schema directly (the
 * simulator's own, small or realistic), counting the requests: for tests of targeted
 * introspection that need no HTTP, no token and no simulator process.
 */
export function executorOf(schema: GraphQLSchema): GraphQLExecutor & { sent: string[] } {
	const sent: string[] = [];
	return {
		sent,
		tenantId: 'local',
		graphqlUrl: async () => 'local',
		execute: async (request) => {
			sent.push(request.query);
			const result = await graphql({
				schema,
				source: request.query,
				variableValues: request.variables,
			});
			return {
				data: (result.data as Record<string, unknown>) ?? null,
				errors: (result.errors ?? []).map((error) => ({ message: error.message })),
				diagnoses: [],
			};
		},
	};
}
