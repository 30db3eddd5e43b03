/**
 * The HTTP layer (node:http on loopback): routing, body reading, faults and
 * the admin endpoints. It owns every socket and timer it creates so stop()
 * leaves nothing open.
 *
 * Routes:
 *   POST   /v1/token                 token exchange (JSON or form body)
 *   POST   /v1/token/renew           renewal (Bearer refresh token)
 *   DELETE /v1/token                 invalidation (x-tokens header)
 *   POST   /v1/fwd/<tenant>/api      GraphQL (Bearer access token)
 *   GET    /v1/fwd/<tenant>/download/<key>   a report file (Bearer access token)
 *   GET    /__admin/counters[?tenantId=]   POST /__admin/faults | revoke | clock | reset | token-mode
 */
import http, { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { countFault, snapshotCounters, emptyCounters } from './counters';
import { FaultConfig } from './faults';
import { downloadReport } from './async-report';
import { logRequest, parseBody, runGraphql } from './graphql-endpoint';
import { SchemaRelease, schemaFor } from './schema-versions';
import { SimState, Tenant, TokenEndpointMode } from './state';
import type { WorkCost } from './time-limit';
import { TokenApi, TokenReply } from './token-api';

const MAX_BODY_BYTES = 20 * 1024 * 1024;
const JSON_TYPE = 'application/json; charset=utf-8';

class BodyTooLarge extends Error {}

type Reply = {
	status: number;
	body: string | null;
	headers?: Record<string, string>;
	delayMs?: number;
};

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (c: Buffer) => {
			size += c.length;
			if (size > MAX_BODY_BYTES) {
				reject(new BodyTooLarge());
				req.removeAllListeners('data');
				req.resume();
				return;
			}
			chunks.push(c);
		});
		req.on('end', () =>
			resolve(
				chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'),
			),
		);
		req.on('error', reject);
	});
}

function send(
	res: ServerResponse,
	status: number,
	body: string | null,
	headers: Record<string, string> = {},
): void {
	if (res.writableEnded || res.destroyed) return;
	const h: Record<string, string | number> = { ...headers };
	if (body !== null) {
		h['content-type'] ??= JSON_TYPE;
		h['content-length'] = Buffer.byteLength(body);
	}
	res.writeHead(status, h);
	res.end(body ?? undefined);
}

const jsonErr = (error: string, message: string): string => JSON.stringify({ error, message });

export class SimHttpServer {
	private server: http.Server;
	private sockets = new Set<Socket>();
	private timers = new Set<NodeJS.Timeout>();
	private stopped = false;
	port = 0;

	constructor(private readonly state: SimState) {
		this.server = http.createServer((req, res) => {
			this.handle(req, res).catch((e: unknown) => {
				if (!res.headersSent)
					send(res, 500, jsonErr('internal_error', `Simulator error: ${(e as Error).message}`));
				else res.destroy();
			});
		});
		this.server.keepAliveTimeout = 5000;
		this.server.on('connection', (s: Socket) => {
			this.sockets.add(s);
			s.on('close', () => this.sockets.delete(s));
		});
	}

	listen(port: number): Promise<number> {
		return new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, '127.0.0.1', () => {
				this.server.off('error', reject);
				this.port = (this.server.address() as { port: number }).port;
				resolve(this.port);
			});
		});
	}

	/** Client connections open right now (idle keep-alive ones included). */
	get openConnections(): number {
		return this.sockets.size;
	}

	async stop(): Promise<void> {
		this.stopped = true;
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
		for (const s of this.sockets) s.destroy();
		this.server.closeAllConnections();
		await closed;
	}

	private sleep(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const t = setTimeout(() => {
				this.timers.delete(t);
				resolve();
			}, ms);
			this.timers.add(t);
		});
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = req.url ?? '/';
		const q = url.indexOf('?');
		const path = q < 0 ? url : url.slice(0, q);
		const method = req.method ?? 'GET';
		let raw: string;
		try {
			raw = await readBody(req);
		} catch (e) {
			if (e instanceof BodyTooLarge)
				return send(
					res,
					413,
					jsonErr('payload_too_large', `The body exceeds ${MAX_BODY_BYTES} bytes.`),
					{ connection: 'close' },
				);
			throw e;
		}
		if (this.stopped) return;

		if (path.startsWith('/__admin/'))
			return this.admin(method, path, q < 0 ? '' : url.slice(q + 1), raw, res);

		if (path === '/v1/token' || path === '/v1/token/renew')
			return this.token(method, path, req, raw, res);

		const m = /^\/v1\/fwd\/([^/]+)\/api\/?$/.exec(path);
		if (m) {
			const tenant = this.state.tenants.get(decodeURIComponent(m[1]));
			if (!tenant)
				return send(
					res,
					404,
					jsonErr('not_found', `Unknown tenant '${decodeURIComponent(m[1])}'.`),
				);
			tenant.counters.graphqlRequests++;
			if (method !== 'POST')
				return send(res, 405, jsonErr('method_not_allowed', 'Use POST.'), { allow: 'POST' });
			const body = parseBody(raw);
			logRequest(tenant, body);
			return this.withFaults(tenant, 'graphql', res, () => {
				const auth = this.state.tokens.checkAccess(req.headers.authorization, tenant.id);
				if (!auth.ok) {
					tenant.counters.graphqlUnauthorized++;
					return { status: 401, body: jsonErr('unauthorized', auth.reason) };
				}
				const reply = runGraphql(
					tenant,
					body,
					this.state.schema,
					`http://${req.headers.host ?? `127.0.0.1:${this.port}`}`,
				);
				tenant.counters.graphqlBytes += reply.body.length;
				return reply;
			});
		}
		const download = /^\/v1\/fwd\/([^/]+)\/download\/([^/]+)$/.exec(path);
		if (download)
			return this.download(
				method,
				decodeURIComponent(download[1]),
				decodeURIComponent(download[2]),
				req,
				res,
			);
		return send(res, 404, jsonErr('not_found', `No route for ${method} ${path}.`));
	}

	/** A report file (async-report.ts): the same bearer token as GraphQL, 401 without it. */
	private download(
		method: string,
		tenantId: string,
		key: string,
		req: IncomingMessage,
		res: ServerResponse,
	): void {
		const tenant = this.state.tenants.get(tenantId);
		if (!tenant) return send(res, 404, jsonErr('not_found', `Unknown tenant '${tenantId}'.`));
		if (method !== 'GET')
			return send(res, 405, jsonErr('method_not_allowed', 'Use GET.'), { allow: 'GET' });
		const auth = this.state.tokens.checkAccess(req.headers.authorization, tenant.id);
		if (!auth.ok) return send(res, 401, jsonErr('unauthorized', auth.reason));
		const file = downloadReport(tenant.store, key);
		let body = file.body;
		if (file.status === 200 && tenant.faults.cutsDownload()) {
			countFault(tenant.counters, 'cutDownload');
			body = body.subarray(0, Math.floor(body.length / 2));
		}
		res.writeHead(file.status, { ...file.headers, 'content-length': body.length });
		res.end(body);
	}

	// ------------------------------------------------------------ token API

	private token(
		method: string,
		path: string,
		req: IncomingMessage,
		raw: string,
		res: ServerResponse,
	): Promise<void> | void {
		const tokens = this.state.tokens;
		let tenant: Tenant;
		let run: () => TokenReply;
		if (path === '/v1/token' && method === 'POST') {
			// The body names the tenant whose faults and counters apply (the default one when it cannot be read).
			const parsed = TokenApi.parseExchangeBody(req.headers['content-type'] ?? '', raw);
			tenant =
				('tenantId' in parsed && this.state.tenants.get(parsed.tenantId)) || this.state.tenant();
			run = () => tokens.exchange(req.headers['content-type'] ?? '', raw);
		} else if (path === '/v1/token/renew' && method === 'POST') {
			tenant =
				this.state.tenants.get(tokens.tenantOfHeader(req.headers.authorization) ?? '') ??
				this.state.tenant();
			run = () => tokens.renew(req.headers.authorization);
		} else if (path === '/v1/token' && method === 'DELETE') {
			const header = req.headers['x-tokens'];
			tenant =
				this.state.tenants.get(
					tokens.tenantOfHeader(Array.isArray(header) ? header.join(';') : header) ?? '',
				) ?? this.state.tenant();
			run = () => tokens.invalidate(Array.isArray(header) ? header.join(';') : header);
		} else
			return send(res, 405, jsonErr('method_not_allowed', `${method} is not allowed on ${path}.`));

		if (path === '/v1/token/renew') {
			const refused = tenant.faults.decideRenewal();
			if (refused) {
				countFault(tenant.counters, `renewal-${refused.status}`);
				return refused.html
					? send(res, refused.status, SIGN_IN_PAGE, { 'content-type': 'text/html; charset=utf-8' })
					: send(
							res,
							refused.status,
							jsonErr('renewal_failed', 'The renewal could not be processed.'),
						);
			}
		}
		const mode = this.state.tokenMode;
		const isIssuing = method === 'POST';
		if (isIssuing && mode === 'hang') return; // accepted, never answered (stop() closes it)

		return this.withFaults(tenant, 'token', res, () => {
			const reply = run();
			const counted = (reply.tenantId && this.state.tenants.get(reply.tenantId)) || tenant;
			counted.counters[
				reply.outcome === 'invalidation'
					? 'invalidations'
					: reply.outcome === 'exchange'
						? 'exchanges'
						: reply.outcome === 'exchangeRejected'
							? 'exchangesRejected'
							: reply.outcome === 'renewal'
								? 'renewals'
								: 'renewalsRejected'
			]++;
			if (reply.status !== 200 || !isIssuing || mode === 'normal')
				return {
					status: reply.status,
					body: reply.body === undefined ? null : JSON.stringify(reply.body),
				};
			return misbehave(mode, reply.body as Record<string, unknown>);
		});
	}

	// ------------------------------------------------------------ faults

	private async withFaults(
		tenant: Tenant,
		kind: 'graphql' | 'token',
		res: ServerResponse,
		execute: () => Reply,
	): Promise<void> {
		const faults = tenant.faults;
		const decision = faults.decide(kind);
		const latency = faults.latencyFor(kind);
		if (latency > 0) {
			countFault(tenant.counters, 'latency');
			await this.sleep(latency);
			if (this.stopped) return;
		}
		switch (decision.action) {
			case 'hang':
				countFault(tenant.counters, 'hang');
				return; // the socket stays open until the client gives up or stop() runs
			case 'fail': {
				countFault(tenant.counters, String(decision.status));
				const headers: Record<string, string> = {};
				if (
					decision.retryAfter !== undefined &&
					(decision.status === 429 || decision.status === 503)
				)
					headers['retry-after'] = decision.retryAfter;
				const [error, message] = GATEWAY_ANSWERS[decision.status];
				return send(res, decision.status, jsonErr(error, message), headers);
			}
			case 'failAfter': {
				execute(); // executed: a mutation is applied, then the gateway answers in Sage's place
				countFault(tenant.counters, `${decision.status}-after`);
				const [error, message] = GATEWAY_ANSWERS[decision.status];
				return send(res, decision.status, jsonErr(error, message));
			}
			case 'oversize':
				countFault(tenant.counters, 'oversize');
				return streamOversize(res, decision.bytes);
			case 'reset': {
				const reply = execute(); // executed: a mutation is applied although the client never learns it
				countFault(tenant.counters, 'reset');
				return resetMidResponse(res, reply.status, reply.body ?? '{}');
			}
			default: {
				const reply = execute();
				if (reply.delayMs) await this.sleep(reply.delayMs);
				return send(res, reply.status, reply.body, reply.headers);
			}
		}
	}

	// ------------------------------------------------------------ admin (for other processes, e.g. a real n8n demo)

	private admin(
		method: string,
		path: string,
		queryString: string,
		raw: string,
		res: ServerResponse,
	): void {
		let body: Record<string, unknown> = {};
		if (raw.trim()) {
			try {
				body = JSON.parse(raw) as Record<string, unknown>;
			} catch {
				return send(res, 400, jsonErr('invalid_request', 'Admin bodies are JSON objects.'));
			}
		}
		const params = new URLSearchParams(queryString);
		const tenantId =
			(typeof body.tenantId === 'string' ? body.tenantId : params.get('tenantId')) ?? undefined;
		const tenant = this.state.tenants.get(tenantId ?? this.state.defaultTenantId);
		if (!tenant) return send(res, 404, jsonErr('not_found', `Unknown tenant '${tenantId}'.`));
		const ok = (extra: Record<string, unknown> = {}): void =>
			send(res, 200, JSON.stringify({ ok: true, tenantId: tenant.id, ...extra }));
		try {
			if (method === 'GET' && path === '/__admin/counters')
				return send(res, 200, JSON.stringify(snapshotCounters(tenant.counters)));
			if (method !== 'POST') return send(res, 405, jsonErr('method_not_allowed', 'Use POST.'));
			switch (path) {
				case '/__admin/faults': {
					if (body.clear === true) tenant.faults.clear();
					const { tenantId: _t, clear: _c, ...config } = body;
					void _t;
					void _c;
					if (Object.keys(config).length) tenant.faults.set(config as FaultConfig);
					return ok({ faults: tenant.faults.get() });
				}
				case '/__admin/work-cost':
					tenant.workCost =
						body.cost && typeof body.cost === 'object' ? { ...(body.cost as WorkCost) } : undefined;
					return ok({ cost: tenant.workCost ?? null });
				case '/__admin/max-page-size':
					tenant.maxPageSize =
						typeof body.size === 'number' && Number.isInteger(body.size) && body.size > 0
							? body.size
							: undefined;
					return ok({ size: tenant.maxPageSize ?? null });
				case '/__admin/release':
					this.state.schema = schemaFor(this.state.schemaScale, body as unknown as SchemaRelease);
					return ok({ release: body.name ?? null });
				case '/__admin/revoke':
					return ok({ revoked: this.state.tokens.revokeTenant(tenant.id) });
				case '/__admin/clock': {
					const clock = this.state.clock;
					if (typeof body.setMs === 'number') clock.set(body.setMs);
					if (typeof body.advanceMs === 'number') clock.advance(body.advanceMs);
					if (body.freeze === true) clock.freeze();
					if (body.unfreeze === true) clock.unfreeze();
					return ok({ now: clock.now(), iso: new Date(clock.now()).toISOString() });
				}
				case '/__admin/reset':
					for (const t of this.state.tenants.values()) {
						t.counters = emptyCounters();
						t.faults.clear();
						t.log.length = 0;
					}
					this.state.tokenMode = 'normal';
					return ok();
				case '/__admin/token-mode': {
					const modes: TokenEndpointMode[] = [
						'normal',
						'html',
						'nonJson',
						'noAccessToken',
						'noGraphqlUrl',
						'hang',
					];
					if (!modes.includes(body.mode as TokenEndpointMode))
						return send(
							res,
							400,
							jsonErr('invalid_request', `mode must be one of ${modes.join(', ')}.`),
						);
					this.state.tokenMode = body.mode as TokenEndpointMode;
					return ok({ mode: body.mode });
				}
				default:
					return send(res, 404, jsonErr('not_found', `No admin route ${path}.`));
			}
		} catch (e) {
			return send(res, 400, jsonErr('invalid_request', (e as Error).message));
		}
	}
}

const SIGN_IN_PAGE =
	'<!DOCTYPE html><html><head><title>Sign in</title></head><body><h1>Sage</h1><p>Please sign in.</p></body></html>';

/** The body of a status a fault answers with. */
const GATEWAY_ANSWERS: Record<number, [string, string]> = {
	429: ['too_many_requests', 'Too many requests: rate limit exceeded.'],
	500: ['internal_error', 'Internal server error.'],
	502: ['bad_gateway', 'Bad gateway.'],
	503: ['service_unavailable', 'The service is temporarily unavailable.'],
	504: ['gateway_timeout', 'Gateway timeout.'],
};

/** tokenEndpointMode: a token endpoint that answers 200 but not with what a client needs. */
function misbehave(mode: TokenEndpointMode, body: Record<string, unknown>): Reply {
	switch (mode) {
		case 'html':
			return {
				status: 200,
				body: SIGN_IN_PAGE,
				headers: { 'content-type': 'text/html; charset=utf-8' },
			};
		case 'nonJson':
			return { status: 200, body: 'OK: token issued (not JSON)' };
		case 'noAccessToken': {
			const { accessToken: _a, ...rest } = body;
			void _a;
			return { status: 200, body: JSON.stringify(rest) };
		}
		case 'noGraphqlUrl': {
			const urls = { ...(body.urls as Record<string, unknown>) };
			delete urls.graphQL;
			delete urls.graphQl;
			return { status: 200, body: JSON.stringify({ ...body, urls }) };
		}
		default:
			return { status: 200, body: JSON.stringify(body) };
	}
}

/** 200 with a valid JSON body of exactly `bytes` bytes, streamed chunked with backpressure. */
function streamOversize(res: ServerResponse, bytes: number): void {
	const head = '{"data":{"filler":"';
	const tail = '"}}';
	let left = Math.max(0, bytes - head.length - tail.length);
	res.writeHead(200, { 'content-type': JSON_TYPE });
	res.write(head);
	const chunk = Buffer.alloc(64 * 1024, 'x');
	const pump = (): void => {
		while (left > 0 && !res.destroyed) {
			const n = Math.min(left, chunk.length);
			left -= n;
			if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
				res.once('drain', pump);
				return;
			}
		}
		if (!res.destroyed) res.end(tail);
	};
	pump();
}

/** Status line, headers and half the body, then the connection is destroyed. */
function resetMidResponse(res: ServerResponse, status: number, body: string): void {
	const buf = Buffer.from(body, 'utf8');
	res.writeHead(status, {
		'content-type': JSON_TYPE,
		'content-length': buf.length,
		connection: 'close',
	});
	res.write(buf.subarray(0, Math.max(1, Math.floor(buf.length / 2))), () => {
		res.socket?.destroy();
	});
}
