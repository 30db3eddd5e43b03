import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';

import { SageClient } from '../../nodes/SageErp/transport/client';
import { closeDispatcher } from '../../nodes/SageErp/transport/http';
import { managerOn, QUERY_CUSTOMERS, useSimulator } from './sim-fixture';

const ctx = useSimulator();

/** A minimal corporate proxy: tunnels CONNECT requests and remembers where they went. */
function startProxy(): Promise<{ server: Server; url: string; tunnels: string[]; close: () => Promise<void> }> {
	const tunnels: string[] = [];
	const sockets = new Set<Socket>();
	const server = createServer((_req, res) => res.writeHead(405).end());
	server.on('connect', (req, clientSocket: Socket, head) => {
		tunnels.push(req.url ?? '');
		const [host, port] = (req.url ?? '').split(':');
		const upstream = connect(Number(port), host, () => {
			clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			upstream.write(head);
			upstream.pipe(clientSocket);
			clientSocket.pipe(upstream);
		});
		for (const socket of [upstream, clientSocket]) {
			sockets.add(socket);
			socket.on('error', () => undefined);
			socket.on('close', () => sockets.delete(socket));
		}
	});
	return new Promise((resolve) => {
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			resolve({
				server,
				url: `http://127.0.0.1:${port}`,
				tunnels,
				close: () => {
					sockets.forEach((socket) => socket.destroy());
					return new Promise((done) => server.close(() => done()));
				},
			});
		});
	});
}

/** One query with HTTP_PROXY set to a fresh proxy and NO_PROXY as given; the tunnels the proxy opened. */
async function queryThroughProxy(noProxy: string): Promise<string[]> {
	const proxy = await startProxy();
	try {
		delete process.env.http_proxy;
		delete process.env.no_proxy;
		process.env.HTTP_PROXY = proxy.url;
		process.env.NO_PROXY = noProxy;
		await closeDispatcher();
		const client = new SageClient(ctx.credentials, { tokens: managerOn(ctx.sim) });
		const result = await client.execute({ query: QUERY_CUSTOMERS, isMutation: false });
		expect(result.errors).toEqual([]);
		await closeDispatcher();
		return proxy.tunnels;
	} finally {
		await proxy.close();
	}
}

describe('proxies', () => {
	const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY, http_proxy: process.env.http_proxy, no_proxy: process.env.no_proxy };
	afterEach(async () => {
		for (const [key, value] of Object.entries(saved)) {
			if (value === undefined) delete process.env[key];
			else process.env[key] = value;
		}
		await closeDispatcher();
	});

	it('sends every request through HTTP_PROXY', async () => {
		const tunnels = await queryThroughProxy('');
		expect(tunnels).toContain(new URL(ctx.sim.baseUrl).host);
	});

	it('goes direct for hosts listed in NO_PROXY', async () => {
		const tunnels = await queryThroughProxy('127.0.0.1');
		expect(tunnels).toEqual([]);
	});
});
