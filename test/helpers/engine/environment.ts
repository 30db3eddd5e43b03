/**
 * Process-wide n8n services the engine needs, set up without side effects on this machine.
 *
 * n8n-core reaches a few singletons through the DI container. The real `InstanceSettings`
 * reads or creates `~/.n8n/config` (an encryption key file) on first use; NodeExecutionContext
 * asks for it on every node run, and `Credentials` encrypts with its key. We register an
 * in-memory instance instead (random key per test file), so nothing is written to disk.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { InstanceSettings } from 'n8n-core';
// Not re-exported by n8n-core's index; the instance ExecuteContext gets from the container.
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import { LoggerProxy } from 'n8n-workflow';

import { installEncryptionKeys } from './compat';
import { installCapturingLogger } from './logger';

let instanceSettings: InstanceSettings | undefined;

function makeInstanceSettings(): InstanceSettings {
	const n8nFolder = path.join(tmpdir(), 'n8n-engine-harness');
	const fields = {
		n8nFolder,
		staticCacheDir: path.join(n8nFolder, 'cache'),
		customExtensionDir: path.join(n8nFolder, 'custom'),
		nodesDownloadDir: path.join(n8nFolder, 'nodes'),
		nodeDefinitionsDir: path.join(n8nFolder, 'node-definitions'),
		settingsFile: path.join(n8nFolder, 'config'),
		enforceSettingsFilePermissions: false,
		instanceRole: 'leader',
		isMultiMainEnabled: false,
		isMultiMainLicensed: false,
		instanceType: 'main',
		hostId: 'main-engine-harness',
		settings: { encryptionKey: randomBytes(24).toString('base64') },
		instanceId: randomBytes(32).toString('hex'),
		hmacSignatureSecret: randomBytes(32).toString('hex'),
	};
	// Keep the class's getters (encryptionKey, isLeader, ...) working on our fields.
	const stub = Object.create(InstanceSettings.prototype) as InstanceSettings;
	Object.assign(stub, fields);
	// `update()` would write the settings file; keep it in memory.
	Object.defineProperty(stub, 'update', {
		value(newSettings: Record<string, unknown>) {
			Object.assign((stub as unknown as { settings: object }).settings, newSettings);
		},
	});
	return stub;
}

/** Idempotent; cheap enough to call before every run (survives a `Container.reset()`). */
export function ensureEnvironment(): void {
	const logger = installCapturingLogger();
	LoggerProxy.init(logger as unknown as Parameters<typeof LoggerProxy.init>[0]);
	Container.set(Logger, logger as unknown as Logger);
	instanceSettings ??= makeInstanceSettings();
	Container.set(InstanceSettings, instanceSettings);
	installEncryptionKeys();
	// Every ExecuteContext asks the container for the SSHClientsManager, whose constructor starts
	// a 60 s cleanup interval that would keep jest from exiting. Let it run, but unref'd.
	const ssh = Container.get(SSHClientsManager) as unknown as { cleanupTimer?: NodeJS.Timeout };
	ssh.cleanupTimer?.unref();
}
