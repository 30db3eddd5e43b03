/**
 * What a GraphQL request and Sage's answer to it look like. Types only, below everything
 * that sends, reads or checks one (the client, the errors, the time limit, the schema).
 */

export interface GraphQLRequest {
	query: string;
	variables?: Record<string, unknown>;
	operationName?: string;
	/** Mutations are never retried once sent; see http.ts. */
	isMutation: boolean;
	timeoutMs?: number;
	signal?: AbortSignal;
}

/** Sage's answer: `errors` are returned, not thrown, so batches can map them per item. */
export interface GraphQLResult {
	data: Record<string, unknown> | null;
	errors: GraphQLErrorEntry[];
	diagnoses: Diagnosis[];
}

/** One entry of a GraphQL answer's `errors[]`. */
export interface GraphQLErrorEntry {
	message: string;
	path?: Array<string | number>;
	locations?: Array<{ line: number; column: number }>;
	extensions?: Record<string, unknown>;
}

/** A warning (or information) that Sage attached to a successful answer. */
export interface Diagnosis {
	severity?: string | number;
	message: string;
	path?: Array<string | number>;
}
