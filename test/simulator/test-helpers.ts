/** Small HTTP helpers for the simulator's own tests (real HTTP through global fetch). */
import type { Simulator } from './index';

export interface HttpResult {
	status: number;
	headers: Headers;
	text: string;
	json: any;
}

export async function http(
	method: string,
	url: string,
	init: { headers?: Record<string, string>; body?: string } = {},
): Promise<HttpResult> {
	const res = await fetchOnce(url, { method, headers: init.headers, body: init.body });
	const text = await res.text();
	let json: unknown = undefined;
	try {
		json = text ? JSON.parse(text) : undefined;
	} catch {
		json = undefined;
	}
	return { status: res.status, headers: res.headers, text, json };
}

/**
 * fetch, sent again once when a pooled keep-alive socket turns out closed by the server
 * (its idle timeout won the race, as it can on a loaded machine): the simulator tests check
 * the simulator, not fetch's connection reuse.
 */
async function fetchOnce(url: string, init: RequestInit): Promise<Response> {
	try {
		return await fetch(url, init);
	} catch (error) {
		const code = (error as { cause?: { code?: string } }).cause?.code;
		if (code !== 'ECONNRESET' && code !== 'UND_ERR_SOCKET') throw error;
		return await fetch(url, init);
	}
}

export function postJson(
	url: string,
	body: unknown,
	headers: Record<string, string> = {},
): Promise<HttpResult> {
	return http('POST', url, {
		headers: { 'content-type': 'application/json', ...headers },
		body: JSON.stringify(body),
	});
}

/** Exchanges the default (or given) client's credentials; fails the test on anything but 200. */
export async function exchange(
	sim: Simulator,
	client = sim.client,
): Promise<
	{ accessToken: string; refreshToken: string; urls: Record<string, string> } & Record<
		string,
		unknown
	>
> {
	const r = await postJson(sim.tokenUrl, client);
	if (r.status !== 200) throw new Error(`token exchange answered ${r.status}: ${r.text}`);
	return r.json;
}

export function gqlWith(sim: Simulator, accessToken: string, tenantId?: string) {
	return (
		query: string,
		variables?: Record<string, unknown>,
		operationName?: string,
	): Promise<HttpResult> =>
		postJson(
			sim.graphqlUrl(tenantId),
			{ query, variables, operationName },
			{ authorization: `Bearer ${accessToken}` },
		);
}

/** A ready GraphQL caller for the default tenant. */
export async function session(sim: Simulator, client = sim.client) {
	const t = await exchange(sim, client);
	return { tokens: t, gql: gqlWith(sim, t.accessToken, client.tenantId) };
}
