/**
 * A tiny throwaway n8n community package, written to a temp dir, that exercises what the
 * harness must support: a credential with `preAuthentication` + generic `authenticate` + `test`,
 * a programmatic node using `httpRequestWithAuthentication`, a polling trigger, and a node that
 * throws NodeOperationError / NodeApiError honouring continueOnFail.
 *
 * The package resolves `n8n-workflow` (its peer dependency) through a symlink to the copy this
 * project has installed, as an installed community package resolves n8n's copy.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const FIXTURE_PACKAGE_NAME = 'n8n-nodes-harness-fixture';

const credential = `
'use strict';
class FixtureApi {
	constructor() {
		this.name = 'fixtureApi';
		this.displayName = 'Fixture API';
		this.icon = 'file:fixture.svg';
		this.properties = [
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
			{ displayName: 'Client Secret', name: 'clientSecret', type: 'string', typeOptions: { password: true }, default: '' },
			{ displayName: 'Tenant', name: 'tenant', type: 'string', default: 'main' },
			{ displayName: 'Session Token', name: 'sessionToken', type: 'hidden', typeOptions: { expirable: true }, default: '' },
		];
		this.authenticate = {
			type: 'generic',
			properties: {
				headers: { Authorization: '=Bearer {{$credentials.sessionToken}}' },
				qs: { tenant: '={{$credentials.tenant}}' },
			},
		};
		this.test = {
			request: { baseURL: '={{$credentials.baseUrl}}', url: '/ping' },
			rules: [{ type: 'responseCode', properties: { value: 403, message: 'This tenant is not allowed' } }],
		};
	}
	async preAuthentication(credentials) {
		let response;
		try {
			response = await this.helpers.httpRequest({
				method: 'POST',
				url: credentials.baseUrl + '/token',
				body: { secret: credentials.clientSecret },
				json: true,
			});
		} catch (error) {
			if (error.response && error.response.status === 401) {
				throw new Error('The token endpoint refused the client secret');
			}
			throw error;
		}
		return { sessionToken: response.token };
	}
}
module.exports = { FixtureApi };
`;

const echoNode = `
'use strict';
const { NodeApiError } = require('n8n-workflow');
class Fixture {
	constructor() {
		this.description = {
			displayName: 'Fixture',
			name: 'fixture',
			icon: 'file:fixture.svg',
			group: ['transform'],
			version: [1, 2],
			description: 'Echoes items through an authenticated request',
			defaults: { name: 'Fixture' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: 'fixtureApi', required: true }],
			properties: [{ displayName: 'Label', name: 'label', type: 'string', default: 'default-label' }],
		};
	}
	async execute() {
		const items = this.getInputData();
		const credentials = await this.getCredentials('fixtureApi');
		const out = [];
		for (let i = 0; i < items.length; i++) {
			const label = this.getNodeParameter('label', i);
			const response = await this.helpers.httpRequestWithAuthentication.call(this, 'fixtureApi', {
				method: 'GET',
				url: credentials.baseUrl + '/echo',
				qs: { i: String(i), label },
				json: true,
			});
			out.push({ json: { ...items[i].json, response }, pairedItem: { item: i } });
		}
		this.logger.info('Fixture processed items', { count: items.length });
		this.addExecutionHints({ message: 'Processed ' + items.length + ' item(s)', location: 'outputPane' });
		return [out];
	}
}
module.exports = { Fixture };
`;

const codex = JSON.stringify({
	node: 'n8n-nodes-harness-fixture.fixture',
	nodeVersion: '1.0',
	codexVersion: '1.0',
	categories: ['Development'],
	resources: { primaryDocumentation: [{ url: 'https://example.invalid/docs' }] },
});

const triggerNode = `
'use strict';
class FixtureTrigger {
	constructor() {
		this.description = {
			displayName: 'Fixture Trigger',
			name: 'fixtureTrigger',
			icon: 'file:fixture.svg',
			group: ['trigger'],
			version: 1,
			description: 'Polls records',
			defaults: { name: 'Fixture Trigger' },
			polling: true,
			inputs: [],
			outputs: ['main'],
			credentials: [{ name: 'fixtureApi', required: true }],
			properties: [],
		};
	}
	async poll() {
		const staticData = this.getWorkflowStaticData('node');
		const credentials = await this.getCredentials('fixtureApi');
		const after = typeof staticData.cursor === 'number' ? staticData.cursor : 0;
		const response = await this.helpers.httpRequestWithAuthentication.call(this, 'fixtureApi', {
			url: credentials.baseUrl + '/records',
			qs: { after: String(after) },
			json: true,
		});
		const records = response.records;
		if (this.getMode() === 'manual') {
			// A test event never moves the cursor; show the newest record (or a sample).
			return [this.helpers.returnJsonArray(records.length ? [records[records.length - 1]] : [{ sample: true }])];
		}
		if (records.length === 0) return null;
		staticData.cursor = records[records.length - 1].id;
		// getPollBudgetMs exists from n8n 2.40 on (and wherever the harness is given a budget).
		const budgetMs = typeof this.getPollBudgetMs === 'function' ? this.getPollBudgetMs() : null;
		staticData.lastPoll = { activation: this.getActivationMode(), budgetMs };
		return [this.helpers.returnJsonArray(records)];
	}
}
module.exports = { FixtureTrigger };
`;

const failNode = `
'use strict';
const { NodeApiError, NodeOperationError } = require('n8n-workflow');
class FixtureFail {
	constructor() {
		this.description = {
			displayName: 'Fixture Fail',
			name: 'fixtureFail',
			group: ['transform'],
			version: 1,
			description: 'Fails on request',
			defaults: { name: 'Fixture Fail' },
			inputs: ['main'],
			outputs: ['main'],
			properties: [
				{ displayName: 'Fail Whole Node', name: 'failWholeNode', type: 'boolean', default: false },
				{ displayName: 'Required Thing', name: 'requiredThing', type: 'string', default: 'x', required: true },
			],
		};
	}
	async execute() {
		const items = this.getInputData();
		if (this.getNodeParameter('failWholeNode', 0)) {
			throw new NodeOperationError(this.getNode(), 'The whole node failed', { description: 'on purpose' });
		}
		const out = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const kind = items[i].json.fail;
				if (kind === 'operation') {
					throw new NodeOperationError(this.getNode(), 'Bad input in item ' + i, { itemIndex: i, description: 'field "fail"' });
				}
				if (kind === 'api') {
					throw new NodeApiError(this.getNode(), { message: 'Upstream refused' }, { itemIndex: i, httpCode: '422', message: 'Upstream refused item ' + i });
				}
				out.push({ json: { ok: i }, pairedItem: { item: i } });
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: { error: error.message }, pairedItem: { item: i } });
					continue;
				}
				throw error;
			}
		}
		return [out];
	}
}
module.exports = { FixtureFail };
`;

const icon =
	'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>';

/** Locates this project's installed n8n-workflow package directory. */
function n8nWorkflowDir(): string {
	const entry = require.resolve('n8n-workflow');
	const marker = `${path.sep}node_modules${path.sep}n8n-workflow${path.sep}`;
	return entry.slice(0, entry.lastIndexOf(marker) + marker.length - 1);
}

export interface FixturePackage {
	dir: string;
	remove(): void;
}

export function writeFixturePackage(): FixturePackage {
	const dir = mkdtempSync(path.join(tmpdir(), 'n8n-harness-fixture-'));
	const write = (rel: string, content: string) => {
		const file = path.join(dir, rel);
		mkdirSync(path.dirname(file), { recursive: true });
		writeFileSync(file, content);
	};
	write(
		'package.json',
		JSON.stringify(
			{
				name: FIXTURE_PACKAGE_NAME,
				version: '0.0.1',
				keywords: ['n8n-community-node-package'],
				n8n: {
					n8nNodesApiVersion: 1,
					credentials: ['dist/credentials/FixtureApi.credentials.js'],
					nodes: [
						'dist/nodes/Fixture/Fixture.node.js',
						'dist/nodes/FixtureTrigger/FixtureTrigger.node.js',
						'dist/nodes/FixtureFail/FixtureFail.node.js',
					],
				},
				peerDependencies: { 'n8n-workflow': '*' },
			},
			null,
			2,
		),
	);
	write('dist/credentials/FixtureApi.credentials.js', credential);
	write('dist/credentials/fixture.svg', icon);
	write('dist/nodes/Fixture/Fixture.node.js', echoNode);
	write('dist/nodes/Fixture/Fixture.node.json', codex);
	write('dist/nodes/Fixture/fixture.svg', icon);
	write('dist/nodes/FixtureTrigger/FixtureTrigger.node.js', triggerNode);
	write('dist/nodes/FixtureTrigger/fixture.svg', icon);
	write('dist/nodes/FixtureFail/FixtureFail.node.js', failNode);
	mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
	symlinkSync(n8nWorkflowDir(), path.join(dir, 'node_modules', 'n8n-workflow'), 'dir');
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
