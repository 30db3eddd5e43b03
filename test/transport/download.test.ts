/**
 * The client's file download: the same bearer token as GraphQL (renewed after a 401), bytes
 * through the port, and never a token sent to a host other than the GraphQL URL's.
 */
import { SageClient } from '../../sage-client/client/client';
import { testTransport } from '../helpers/undici-port';
import { REPORT_DONE_MS } from '../simulator';
import { credentialsOf, failureOf, managerOn, useSimulator } from './sim-fixture';

const env = useSimulator({ seed: { customers: 12, items: 5, salesOrders: 0 } });

async function readyReport(
	client: SageClient,
): Promise<{ downloadUrl: string; contentLength: number; filename: string }> {
	env.sim.clock.freeze();
	const started = await client.execute({
		query:
			'mutation { xtremReporting { report { generateReportPdf { start(reportName: "customerList") { trackingId } } } } }',
		isMutation: true,
	});
	const trackingId = (started.data as any).xtremReporting.report.generateReportPdf.start.trackingId;
	env.sim.clock.advance(REPORT_DONE_MS);
	const tracked = await client.execute({
		query:
			'query($id: String!) { xtremReporting { report { generateReportPdf { track(trackingId: $id) { result { downloadUrl contentLength filename } } } } } }',
		variables: { id: trackingId },
		isMutation: false,
	});
	env.sim.clock.unfreeze();
	return (tracked.data as any).xtremReporting.report.generateReportPdf.track.result;
}

const newClient = () =>
	new SageClient(credentialsOf(env.sim), {
		transport: testTransport(),
		tokens: managerOn(env.sim),
	});

test('downloads the bytes with their type and name; a link relative to the GraphQL URL works too', async () => {
	const client = newClient();
	const report = await readyReport(client);
	const file = await client.download({ url: report.downloadUrl });
	expect([file.mimeType, file.fileName, file.bytes.byteLength]).toEqual([
		'application/pdf',
		report.filename,
		report.contentLength,
	]);
	expect(Buffer.from(file.bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
	const relative = await client.download({ url: new URL(report.downloadUrl).pathname });
	expect(relative.bytes.byteLength).toBe(report.contentLength);
});

test('a revoked token is renewed once, and the download goes on', async () => {
	const client = newClient();
	const report = await readyReport(client);
	env.sim.revokeAllTokens();
	const renewals = env.sim.counters().renewals + env.sim.counters().exchanges;
	const file = await client.download({ url: report.downloadUrl });
	expect(file.bytes.byteLength).toBe(report.contentLength);
	expect(env.sim.counters().renewals + env.sim.counters().exchanges).toBe(renewals + 1);
});

test('a link on another host is refused before anything is sent to it; an expired link says so', async () => {
	const client = newClient();
	const report = await readyReport(client);
	const downloads = () =>
		env.sim
			.reports()
			.jobs()
			.reduce((count, job) => count + job.downloads, 0);
	const before = downloads();
	// The same simulator under another name: had the token gone there, the download would count.
	const elsewhere = report.downloadUrl.replace('127.0.0.1', 'localhost');
	const refused = await failureOf(() => client.download({ url: elsewhere }));
	expect(downloads()).toBe(before);
	expect(refused).toMatchObject({ code: 'SAGE_REFUSED' });
	expect(refused.message).toBe(
		`Sage named a file on ${new URL(elsewhere).origin}, not on the host of its GraphQL URL (${new URL(report.downloadUrl).origin}); the access token is sent only there, so the file was not downloaded.`,
	);
	env.sim.clock.advance(2 * 60 * 60 * 1000);
	const expired = await failureOf(() => newClient().download({ url: report.downloadUrl }));
	expect(expired).toMatchObject({
		code: 'SAGE_RESPONSE',
		message: 'Sage has no file at the link it gave (HTTP 404); the link may have expired.',
	});
	env.sim.clock.set(Date.now());
});
