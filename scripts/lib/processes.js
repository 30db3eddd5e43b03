'use strict';
/**
 * Child processes that never outlive us: each one runs in its own process group (so the
 * task runner n8n forks goes with it), its output goes to a log file and a small in-memory
 * tail, and `stopAll()` (also run on exit) terminates every group still alive.
 */
const fs = require('fs');
const net = require('net');
const { spawn } = require('child_process');

const live = new Set();

function tailBuffer(max = 64 * 1024) {
	let text = '';
	return {
		push(chunk) {
			text += chunk;
			if (text.length > max) text = text.slice(-max);
		},
		get text() {
			return text;
		},
	};
}

/**
 * Starts a long-running process. Returns a handle:
 *   { name, child, pid, logFile, output() , waitForOutput(re, ms), exited (promise), stop(ms) }
 * options: { cwd, env, logFile, echo (stream to forward output to, e.g. process.stdout), stopSignal (default SIGTERM) }
 */
function startProcess(name, command, args, options = {}) {
	const { cwd, env, logFile, echo, stopSignal = 'SIGTERM' } = options;
	const child = spawn(command, args, {
		cwd,
		env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const tail = tailBuffer();
	const log = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : null;
	const watchers = new Set();
	const onData = (chunk) => {
		const text = chunk.toString();
		tail.push(text);
		if (log) log.write(text);
		if (echo) echo.write(text);
		for (const w of watchers) w();
	};
	child.stdout.on('data', onData);
	child.stderr.on('data', onData);

	let exitInfo = null;
	const exited = new Promise((resolve) => {
		child.on('error', (err) => {
			exitInfo = { code: null, signal: null, error: err };
			resolve(exitInfo);
		});
		child.on('close', (code, signal) => {
			exitInfo = exitInfo || { code, signal };
			live.delete(handle);
			if (log) log.end();
			for (const w of watchers) w();
			resolve(exitInfo);
		});
	});

	const handle = {
		name,
		child,
		pid: child.pid,
		logFile,
		exited,
		get running() {
			return exitInfo === null;
		},
		output: () => tail.text,
		/** Resolves when the output matches `re`; rejects on exit or after `ms`. */
		waitForOutput(re, ms = 60000) {
			return new Promise((resolve, reject) => {
				const check = () => {
					const m = tail.text.match(re);
					if (m) return finish(null, m);
					if (exitInfo)
						return finish(
							new Error(
								`${name} exited (${describeExit(exitInfo)}) before printing ${re}\n${lastLines(tail.text)}`,
							),
						);
				};
				const timer = setTimeout(
					() =>
						finish(
							new Error(`${name} did not print ${re} within ${ms} ms\n${lastLines(tail.text)}`),
						),
					ms,
				);
				function finish(err, value) {
					clearTimeout(timer);
					watchers.delete(check);
					if (err) reject(err);
					else resolve(value);
				}
				watchers.add(check);
				check();
			});
		},
		/** stopSignal (SIGTERM) to the whole group, SIGKILL after `ms`; resolves once it has exited. */
		async stop(ms = 15000) {
			if (exitInfo) return exitInfo;
			signalGroup(child.pid, stopSignal);
			const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), ms);
			const info = await exited;
			clearTimeout(timer);
			// The group may still hold children (n8n's task runner) that ignored SIGTERM.
			signalGroup(child.pid, 'SIGKILL');
			return info;
		},
	};
	live.add(handle);
	return handle;
}

function signalGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
	} catch {
		try {
			process.kill(pid, signal);
		} catch {
			/* gone */
		}
	}
}

function describeExit(info) {
	if (info.error) return info.error.message;
	return info.signal ? `signal ${info.signal}` : `exit code ${info.code}`;
}

function lastLines(text, n = 40) {
	return text.split('\n').slice(-n).join('\n');
}

/**
 * Runs a command to completion. Resolves { code, signal, stdout, stderr, ms };
 * rejects (with the output) when it fails, unless options.allowFailure.
 * options: { cwd, env, timeout (ms), allowFailure, input }
 */
function runCommand(command, args, options = {}) {
	const { cwd, env, timeout = 120000, allowFailure = false } = options;
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const child = spawn(command, args, {
			cwd,
			env,
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const handle = { child, stop: async () => signalGroup(child.pid, 'SIGKILL'), name: command };
		live.add(handle);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (c) => (stdout += c));
		child.stderr.on('data', (c) => (stderr += c));
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			signalGroup(child.pid, 'SIGKILL');
		}, timeout);
		child.on('error', (err) => {
			clearTimeout(timer);
			live.delete(handle);
			reject(err);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			live.delete(handle);
			// Whatever the command left behind in its group goes too.
			signalGroup(child.pid, 'SIGKILL');
			const result = { code, signal, stdout, stderr, ms: Date.now() - started };
			if ((code === 0 && !timedOut) || allowFailure) return resolve(result);
			const why = timedOut ? `timed out after ${timeout} ms` : describeExit({ code, signal });
			const err = new Error(
				`${[command, ...args].join(' ')} failed (${why})\n--- stdout ---\n${lastLines(stdout)}\n--- stderr ---\n${lastLines(stderr)}`,
			);
			Object.assign(err, result);
			reject(err);
		});
	});
}

/** Stops every process started here that is still running. */
async function stopAll() {
	await Promise.all([...live].map((h) => h.stop(5000)));
}

process.on('exit', () => {
	for (const h of live) signalGroup(h.child.pid, 'SIGKILL');
});

/** A TCP port that is free on 127.0.0.1 right now. */
function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The first executable `name` on PATH (then in `extraDirs`), or null. */
function which(name, extraDirs = []) {
	const path = require('path');
	for (const dir of [...(process.env.PATH || '').split(path.delimiter), ...extraDirs]) {
		if (!dir) continue;
		const candidate = path.join(dir, name);
		try {
			fs.accessSync(candidate, fs.constants.X_OK);
			return candidate;
		} catch {
			/* next */
		}
	}
	return null;
}

/** Polls `fn` until it returns a truthy value; rejects after `ms` with the last error. */
async function waitUntil(fn, { timeout = 60000, interval = 250, what = 'condition' } = {}) {
	const deadline = Date.now() + timeout;
	let lastError;
	for (;;) {
		try {
			const value = await fn();
			if (value) return value;
		} catch (err) {
			lastError = err;
		}
		if (Date.now() > deadline) {
			throw new Error(
				`timed out after ${timeout} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`,
			);
		}
		await sleep(interval);
	}
}

/** Whether a process with this pid still runs (EPERM: it runs, as another user). */
function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		return err.code === 'EPERM';
	}
}

module.exports = {
	startProcess,
	runCommand,
	stopAll,
	freePort,
	waitUntil,
	sleep,
	lastLines,
	which,
	pidAlive,
};
