/**
 * Runs the simulator as a process (for demos with a real n8n, and the
 * benchmarks): `npx ts-node --transpile-only test/simulator/cli.ts`
 * (= `npm run simulator`).
 *
 *   --port N        default 4010 (or PORT)
 *   --customers N   default tenant's customer count (default 250)
 *   --items N       --orders N
 *   --latency MS    latency added to every GraphQL request
 *   --schema-scale small|real   the default small schema, or a real tenant's size (about 1,000 node types)
 *   --client-secret S   fixed demo secret (or SIM_CLIENT_SECRET); random otherwise
 *
 * Prints the token URL and the ready demo client (a local simulator's demo
 * secret: printing it is the point), then runs until SIGINT/SIGTERM.
 */
import { startSimulator } from './index';

function arg(name: string): string | undefined {
	const argv = process.argv.slice(2);
	const i = argv.indexOf(`--${name}`);
	if (i >= 0) return argv[i + 1];
	const eq = argv.find((a) => a.startsWith(`--${name}=`));
	return eq?.slice(name.length + 3);
}

function intArg(name: string, fallback?: number): number | undefined {
	const v = arg(name);
	if (v === undefined) return fallback;
	const n = Number(v);
	if (!Number.isInteger(n) || n < 0) {
		console.error(`--${name} expects a non-negative integer, got '${v}'`);
		process.exit(2);
	}
	return n;
}

async function main(): Promise<void> {
	const port = intArg('port', process.env.PORT ? Number(process.env.PORT) : 4010)!;
	const schemaScale = arg('schema-scale') ?? 'small';
	if (schemaScale !== 'small' && schemaScale !== 'real') {
		console.error(`--schema-scale expects small or real, got '${schemaScale}'`);
		process.exit(2);
	}
	const sim = await startSimulator({
		schemaScale,
		port,
		seed: { customers: intArg('customers'), items: intArg('items'), salesOrders: intArg('orders') },
		client: { clientSecret: arg('client-secret') ?? process.env.SIM_CLIENT_SECRET },
	});
	const latency = intArg('latency', 0)!;
	if (latency > 0) sim.faults().set({ latencyMs: latency });
	const { clientId, clientSecret, tenantId } = sim.client;
	const lines = [
		'Sage ERP simulator listening',
		`  token URL:     ${sim.tokenUrl}`,
		`  client id:     ${clientId}`,
		`  client secret: ${clientSecret}`,
		`  tenant id:     ${tenantId}`,
		`  GraphQL URL:   ${sim.graphqlUrl()}`,
		`  admin:         ${sim.baseUrl}/__admin/counters`,
		'Try:',
		`  curl -s -X POST ${sim.tokenUrl} -H 'content-type: application/json' -d '${JSON.stringify({ clientId, clientSecret, tenantId })}'`,
	];
	console.log(lines.join('\n'));
	let stopping = false;
	const shutdown = (signal: string): void => {
		if (stopping) return;
		stopping = true;
		console.log(`${signal}: stopping the simulator`);
		sim.stop().then(
			() => process.exit(0),
			(e: unknown) => {
				console.error(e);
				process.exit(1);
			},
		);
	};
	process.on('SIGINT', () => shutdown('SIGINT'));
	process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((e: unknown) => {
	console.error(`Simulator failed to start: ${(e as Error).message}`);
	process.exit(1);
});
