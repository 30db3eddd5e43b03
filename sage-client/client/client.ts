import {
	SageAuthError,
	SageNetworkError,
	SageOutcomeUnknownError,
	SageResponseError,
	SageThrottledError,
} from '../transport/errors';
import {
	downloadTarget,
	readDownload,
	type DownloadRequest,
	type DownloadedFile,
} from './download';
import { send, type HttpResponse, type Transport } from '../transport/http';
import { isTimeLimitAnswer, timeLimitError } from '../transport/time-limit';
import {
	TokenManager,
	type SageCredentials,
	type TokenRequestContext,
	type TokenSession,
} from '../auth/tokens';
import type {
	Diagnosis,
	GraphQLErrorEntry,
	GraphQLRequest,
	GraphQLResult,
} from '../transport/graphql';
import type { PageSizeLimit } from './paginate';
import { PageSizeLimits } from './page-size-limits';

export interface SageClientOptions {
	/** How requests go out: in n8n, n8n's own HTTP helper. */
	transport: Transport;
	/** Identifies the n8n credential across edits (its id), so replaced tokens are invalidated. */
	credentialGroup?: string;
	/**
	 * The token cache to use: the nodes hand in the process-wide one (process-wide.ts), so
	 * that executions share tokens. Without one the client keeps a cache of its own.
	 */
	tokens?: TokenManager;
	/** What tenants said of their page size limit; the process-wide one in n8n (handed in like `tokens`). */
	pageSizeLimits?: PageSizeLimits;
	maxResponseBytes?: number;
}

/**
 * One GraphQL call at a time: bearer token, typed errors, and after a 401 a renewal and
 * one more try, twice at the most (the second covers a token renewed by someone else that
 * died meanwhile).
 */
export class SageClient {
	private readonly tokens: TokenManager;
	private readonly pageSizes: PageSizeLimits;

	constructor(
		private readonly credentials: SageCredentials,
		private readonly options: SageClientOptions,
	) {
		this.tokens = options.tokens ?? new TokenManager();
		this.pageSizes = options.pageSizeLimits ?? new PageSizeLimits();
	}

	/** The tenant the credential names (tenants may share one GraphQL URL). */
	get tenantId(): string {
		return this.credentials.tenantId;
	}

	/** The page size limit this tenant stated, shared by every reader of it in the process (paginate.ts). */
	pageSizeLimit(): PageSizeLimit {
		return this.pageSizes.forTenant(`${this.credentials.tokenUrl}|${this.credentials.tenantId}`);
	}

	async graphqlUrl(signal?: AbortSignal): Promise<string> {
		return (await this.session(signal)).graphqlUrl;
	}

	async execute(request: GraphQLRequest): Promise<GraphQLResult> {
		const result = readGraphQLResponse(
			await this.authorized(request.signal, (session) => this.post(session, request)),
			request.isMutation,
		);
		if (isTimeLimitAnswer(result)) throw timeLimitError(request);
		return result;
	}

	/** A file that Sage's answer names, with the same bearer token; only from the GraphQL URL's origin (download.ts). */
	async download(request: DownloadRequest): Promise<DownloadedFile> {
		let target: URL | undefined;
		const response = await this.authorized(request.signal, (session) => {
			target = downloadTarget(request.url, session.graphqlUrl);
			return send(this.options.transport, {
				url: target.href,
				method: 'GET',
				headers: { authorization: `Bearer ${session.accessToken}`, accept: '*/*' },
				purpose: 'the file download',
				retry: 'idempotent',
				timeoutMs: request.timeoutMs,
				signal: request.signal,
				maxResponseBytes: this.options.maxResponseBytes,
				binary: true,
			});
		});
		return readDownload(response, target!);
	}

	/**
	 * Sends with the current access token. A 401 hands back the token another request renewed
	 * meanwhile, if any: that one may be dead too by now (revoked, expired) when this request
	 * waited out a Retry-After, so a second 401 renews once more, this time for this request.
	 * 401 means nothing was run.
	 */
	private async authorized(
		signal: AbortSignal | undefined,
		sendWith: (session: TokenSession) => Promise<HttpResponse>,
	): Promise<HttpResponse> {
		let session = await this.session(signal);
		let response = await sendWith(session);
		for (let renewals = 0; response.status === 401; renewals++) {
			if (renewals === 2) {
				throw new SageAuthError('Sage refused a freshly renewed access token (HTTP 401).', {
					httpStatus: 401,
					hint: 'Check that the app registration still has access to the tenant in the Sage ERP API credential.',
				});
			}
			session = await this.tokens.renewAfterUnauthorized(
				this.credentials,
				session,
				this.tokenContext(signal),
			);
			response = await sendWith(session);
		}
		return response;
	}

	private session(signal?: AbortSignal): Promise<TokenSession> {
		return this.tokens.getSession(this.credentials, this.tokenContext(signal));
	}

	private tokenContext(signal?: AbortSignal): TokenRequestContext {
		return { transport: this.options.transport, group: this.options.credentialGroup, signal };
	}

	private post(session: TokenSession, request: GraphQLRequest): Promise<HttpResponse> {
		const body: Record<string, unknown> = { query: request.query };
		if (request.variables && Object.keys(request.variables).length)
			body.variables = request.variables;
		if (request.operationName) body.operationName = request.operationName;
		return send(this.options.transport, {
			url: session.graphqlUrl,
			method: 'POST',
			headers: {
				authorization: `Bearer ${session.accessToken}`,
				'content-type': 'application/json',
				accept: 'application/json',
			},
			body: JSON.stringify(body),
			purpose: request.isMutation ? 'the GraphQL mutation' : 'the GraphQL query',
			retry: request.isMutation ? 'mutation' : 'idempotent',
			timeoutMs: request.timeoutMs,
			signal: request.signal,
			maxResponseBytes: this.options.maxResponseBytes,
		});
	}
}

function readGraphQLResponse(response: HttpResponse, isMutation: boolean): GraphQLResult {
	const { status } = response;
	let parsed: Record<string, unknown> | undefined;
	try {
		const value: unknown = JSON.parse(response.body);
		if (value && typeof value === 'object' && !Array.isArray(value))
			parsed = value as Record<string, unknown>;
	} catch {
		parsed = undefined;
	}
	const errors = Array.isArray(parsed?.errors) ? (parsed.errors as GraphQLErrorEntry[]) : [];
	// Sage answers business-rule failures with 200, and GraphQL validation errors may come with 400.
	if (parsed && (status === 200 || (status >= 400 && status < 500 && errors.length))) {
		const data =
			parsed.data && typeof parsed.data === 'object'
				? (parsed.data as Record<string, unknown>)
				: null;
		if (!data && !errors.length) {
			throw new SageResponseError('Sage answered without data and without errors.', {
				httpStatus: status,
			});
		}
		const extensions = parsed.extensions as { diagnoses?: unknown } | undefined;
		const diagnoses = Array.isArray(extensions?.diagnoses)
			? (extensions.diagnoses as Diagnosis[])
			: [];
		return { data, errors, diagnoses };
	}
	if (status === 403) {
		throw new SageAuthError('Sage refused access to this GraphQL request (HTTP 403).', {
			httpStatus: status,
			hint: 'Check that the app registration of the Sage ERP API credential is allowed this data.',
		});
	}
	if (status === 429) {
		throw new SageThrottledError(
			`Sage kept limiting requests (HTTP 429) after ${response.attempts} attempts.`,
			{
				httpStatus: status,
				hint: 'Sage is limiting requests; run the workflow again later or lower its pace.',
			},
		);
	}
	if (isMutation && mayHaveRun(status)) throw gatewayOutcomeUnknown(status);
	if (status >= 500) {
		throw new SageNetworkError(
			`Sage answered HTTP ${status} after ${response.attempts} attempt(s).`,
			{
				httpStatus: status,
				hint:
					status === 503
						? 'Sage was unavailable and did not run the request; run it again later.'
						: 'Sage may be unavailable; try again later.',
			},
		);
	}
	if (status === 200) {
		throw new SageResponseError(
			'The GraphQL URL answered with something that is not GraphQL JSON.',
			{ httpStatus: status },
		);
	}
	throw new SageResponseError(`Sage answered HTTP ${status} to the GraphQL request.`, {
		httpStatus: status,
	});
}

/**
 * Whether an answer to a mutation leaves open that Sage ran it. A gateway's 502 or 504 (or a
 * 500, or a 200 that is not GraphQL) can come after Sage committed: only 503 (unavailable),
 * 429 and the refusals before running (401, 403, other 4xx) prove it did not.
 */
function mayHaveRun(status: number): boolean {
	return (status >= 500 && status !== 503) || status === 200;
}

/** Not "try again later": re-running what Sage may have applied duplicates it; the records are looked up instead. */
function gatewayOutcomeUnknown(status: number): SageOutcomeUnknownError {
	const what =
		status === 200
			? 'an answer that is not GraphQL JSON (HTTP 200)'
			: `HTTP ${status} instead of Sage's answer`;
	return new SageOutcomeUnknownError(
		`The answer to the GraphQL mutation was lost after it was sent: ${what}. Sage may or may not have applied it, so it was not sent again.`,
		{
			hint: 'Check in Sage whether the record exists before running this item again.',
			reason: what,
			// A gateway answered, not Sage: Sage may still be running the request.
			answerStarted: false,
			httpStatus: status,
		},
	);
}
