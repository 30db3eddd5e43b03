/**
 * The examples of "the rest of Sage's API" in a real n8n 2.40.7 (`n8n execute`): the report
 * PDF comes out of the Sage ERP node as n8n binary data of the right size and type, and the
 * CRM contact creates a Sage customer once, then updates it.
 */
import fs from 'node:fs';
import path from 'node:path';

import {
	describeE2e,
	examples,
	examplesLib,
	execute,
	n8nLib,
	observe,
	openSuite,
	PROVISION_TIMEOUT,
	type Suite,
} from './harness';

interface BinaryEntry {
	mimeType?: string;
	fileName?: string;
	fileExtension?: string;
	bytes?: number;
	id?: string;
	data?: string;
}

/** The file's bytes as n8n stored them: inline (base64) or in the user folder's binary data store (`storage/`, `binaryData/` before 2.x). */
function storedBytes(suite: Suite, binary: BinaryEntry): Buffer {
	if (!binary.id) return Buffer.from(binary.data ?? '', 'base64');
	const [, fileId] = binary.id.split(':');
	const candidates = ['storage', 'binaryData'].map((folder) =>
		path.join(suite.inst.userFolder, '.n8n', folder, fileId),
	);
	const found = candidates.find((candidate) => fs.existsSync(candidate));
	if (!found)
		throw new Error(`n8n's binary data ${binary.id} is in none of ${candidates.join(', ')}`);
	return fs.readFileSync(found);
}

describeE2e('the rest of the API in a real n8n (n8n execute)', () => {
	let suite: Suite;
	const wf = examples();
	const ids = examplesLib.EXAMPLE_IDS;

	beforeAll(async () => {
		suite = await openSuite('rest-of-api', {
			workflows: [wf[ids.reportPdfEmail], wf[ids.crmContactUpsert]],
		});
	}, PROVISION_TIMEOUT);

	afterAll(async () => {
		await suite?.close();
	}, 60000);

	test('the report example outputs the PDF as binary data of the right size and type (the email node is disabled)', async () => {
		const res = await execute(suite, ids.reportPdfEmail);
		const [item, ...more] = n8nLib.outputItems(res.run, 'Customer List PDF', {
			json: false,
		}) as Array<{ json: Record<string, unknown>; binary?: Record<string, BinaryEntry> }>;
		const job = suite.sim.reports().jobs().at(-1)!;
		expect(more).toEqual([]);
		expect(item.json).toMatchObject({
			trackingId: job.trackingId,
			status: 'success',
			result: {
				filename: job.file!.filename,
				mimeType: 'application/pdf',
				contentLength: job.file!.size,
			},
		});
		const binary = item.binary?.data;
		expect(binary).toMatchObject({
			mimeType: 'application/pdf',
			fileName: job.file!.filename,
			fileExtension: 'pdf',
		});
		const bytes = storedBytes(suite, binary!);
		expect(bytes.length).toBe(job.file!.size);
		expect(bytes.subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
		expect(binary!.bytes).toBe(job.file!.size);
		expect(job.downloads).toBe(1);
		// The disabled email node passes the item on untouched, attachment included.
		const [emailed] = n8nLib.outputItems(res.run, 'Send Report by Email', {
			json: false,
		}) as Array<{ binary?: Record<string, BinaryEntry> }>;
		expect(emailed.binary?.data?.fileName).toBe(job.file!.filename);
	}, 180000);

	test('the CRM contact example creates the customer once, then updates it', async () => {
		const stored = () =>
			suite.sim
				.store()
				.list('xtremMasterData.customer')
				.filter((customer) => customer.id === 'CRM0001');
		expect(stored()).toEqual([]);
		const first = n8nLib.outputItems(
			(await execute(suite, ids.crmContactUpsert)).run,
			'Create or Update Customer',
		) as Array<Record<string, unknown>>;
		expect(first).toEqual([
			{
				_id: stored()[0]._id,
				id: 'CRM0001',
				name: 'Acme Robotics',
				email: 'accounts@acme-robotics.example',
				city: 'Lyon',
				_operation: 'created',
			},
		]);
		const second = n8nLib.outputItems(
			(await execute(suite, ids.crmContactUpsert)).run,
			'Create or Update Customer',
		) as Array<Record<string, unknown>>;
		expect(second).toEqual([{ ...first[0], _operation: 'updated' }]);
		expect(stored()).toHaveLength(1);
		observe([first, second], 'upsert outputs');
	}, 180000);
});
