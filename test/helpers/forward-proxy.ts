/**
 * A forward proxy for plain http, the way n8n's HTTP helper uses one for http:// targets
 * (an absolute URL in the request line): it passes every request on and remembers the
 * hosts it went to, so a test can tell which requests went through it.
 */
import { createServer, request as forward, type Server } from 'node:http';

export interface ForwardProxy {
	url: string;
	hosts: string[];
	close(): Promise<void>;
}

export async function startForwardProxy(): Promise<ForwardProxy> {
	const hosts: string[] = [];
	const server: Server = createServer((req, res) => {
		const target = new URL(req.url ?? '');
		hosts.push(target.host);
		const upstream = forward(target, { method: req.method, headers: req.headers }, (answer) => {
			res.writeHead(answer.statusCode ?? 502, answer.headers);
			answer.pipe(res);
		});
		upstream.on('error', () => res.writeHead(502).end());
		req.pipe(upstream);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${port}`,
		hosts,
		close: () => {
			server.closeAllConnections();
			return new Promise((done) => server.close(() => done()));
		},
	};
}
