'use strict';
/**
 * A throw-away PostgreSQL server on loopback, from Debian's `postgresql` package
 * (/usr/lib/postgresql/<version>/bin): initdb in a temporary folder, `postgres` on a free port,
 * trust authentication, durability off (fsync, synchronous_commit) because the data dies with it.
 * n8n's queue mode needs it: with sqlite, main and workers fail with SQLITE_BUSY under load.
 *
 * PostgreSQL refuses to run as root: as root, it runs as the `postgres` system user (created by
 * the Debian package) through runuser.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { startProcess, runCommand, freePort, which } = require('./processes');

const INSTALL_HINT = 'apt-get install -y postgresql';

function findBinDir() {
	const fromEnv = process.env.SAGE_ERP_PG_BIN;
	const candidates = [];
	if (fromEnv) candidates.push(fromEnv);
	const debian = '/usr/lib/postgresql';
	if (fs.existsSync(debian)) {
		for (const v of fs.readdirSync(debian).sort((a, b) => Number(b) - Number(a)))
			candidates.push(path.join(debian, v, 'bin'));
	}
	for (const dir of (process.env.PATH || '').split(path.delimiter)) if (dir) candidates.push(dir);
	const found = candidates.find(
		(dir) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'postgres')),
	);
	if (!found)
		throw new Error(
			`PostgreSQL server binaries (initdb, postgres) are missing: ${INSTALL_HINT} (or set SAGE_ERP_PG_BIN)`,
		);
	return found;
}

/** How to run a PostgreSQL binary: directly, or as the postgres user when we are root. */
function runAs() {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0)
		return { prefix: [], uid: null, gid: null };
	const id = (flag) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
	const uid = id('-u');
	const gid = id('-g');
	if (uid.status !== 0)
		throw new Error(
			`running as root and there is no "postgres" user to run PostgreSQL as: ${INSTALL_HINT} creates it, or run as another user`,
		);
	const runuser = which('runuser', ['/usr/sbin', '/sbin']);
	if (!runuser)
		throw new Error(
			'running as root and runuser (util-linux) is missing: cannot start PostgreSQL as the postgres user',
		);
	return {
		prefix: [runuser, '-u', 'postgres', '--'],
		uid: Number(uid.stdout.trim()),
		gid: Number(gid.stdout.trim()),
	};
}

/**
 * Starts a fresh server; resolves { port, env (n8n's DB_* variables), stop() }.
 * options: { logFile }
 */
async function startPostgres(options = {}) {
	const bin = findBinDir();
	const as = runAs();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sage-erp-pg-'));
	const dataDir = path.join(dir, 'data');
	if (as.uid !== null) fs.chownSync(dir, as.uid, as.gid);
	const cmd = (exe, args) =>
		as.prefix.length
			? [as.prefix[0], [...as.prefix.slice(1), path.join(bin, exe), ...args]]
			: [path.join(bin, exe), args];
	try {
		await runCommand(
			...cmd('initdb', [
				'-D',
				dataDir,
				'-U',
				'n8n',
				'--auth=trust',
				'--encoding=UTF8',
				'--no-sync',
				'--no-instructions',
			]),
			{ timeout: 60000 },
		);
	} catch (err) {
		fs.rmSync(dir, { recursive: true, force: true });
		throw err;
	}
	const port = await freePort();
	const settings = {
		listen_addresses: '127.0.0.1',
		unix_socket_directories: dir,
		fsync: 'off',
		synchronous_commit: 'off',
		full_page_writes: 'off',
		max_connections: '200',
		shared_buffers: '64MB',
	};
	const args = [
		'-D',
		dataDir,
		'-p',
		String(port),
		...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
	];
	// SIGINT is PostgreSQL's "fast" shutdown: it does not wait for clients to disconnect.
	const proc = startProcess('postgres', ...cmd('postgres', args), {
		logFile: options.logFile,
		stopSignal: 'SIGINT',
	});
	try {
		await proc.waitForOutput(/ready to accept connections/, 30000);
	} catch (err) {
		await proc.stop(2000);
		fs.rmSync(dir, { recursive: true, force: true });
		throw err;
	}
	return {
		port,
		env: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: 'postgres',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: 'n8n',
			DB_POSTGRESDB_POOL_SIZE: '10',
		},
		output: () => proc.output(),
		async stop() {
			await proc.stop(10000);
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

module.exports = { startPostgres, INSTALL_HINT };
