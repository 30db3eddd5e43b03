/**
 * Log capture for the in-process engine.
 *
 * n8n logs through two doors: `LoggerProxy` (n8n-workflow; WorkflowExecute, request helpers)
 * and the DI `Logger` of `@n8n/backend-common` (`this.logger` in node contexts, ErrorReporter,
 * the package loader). In a real n8n process both are the same object (the backend Logger
 * calls `LoggerProxy.init(this)`), so we install one capturing logger behind both.
 *
 * Lines are routed to the log array of the engine whose run is in progress (AsyncLocalStorage),
 * so two engines in one test file do not see each other's lines. Lines logged outside any run
 * go to every live engine.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { LoggerProxy } from 'n8n-workflow';

import { observeForSecrets } from './guard';

export interface LogLine {
	level: string;
	message: string;
	meta?: unknown;
}

const currentSink = new AsyncLocalStorage<LogLine[]>();
const liveSinks = new Set<LogLine[]>();
const echo = process.env.ENGINE_HARNESS_LOG === '1';

function record(level: string, message: string, meta?: unknown): void {
	const line: LogLine = meta === undefined ? { level, message } : { level, message, meta };
	if (echo) console.log(`[n8n ${level}] ${message}`, meta ?? '');
	observeForSecrets(line, `n8n log (${level})`);
	const sink = currentSink.getStore();
	if (sink) {
		sink.push(line);
		return;
	}
	for (const s of liveSinks) s.push(line);
}

/** Implements the surface of `@n8n/backend-common`'s Logger that n8n-core uses. */
export class CapturingLogger {
	error(message: string, meta?: unknown): void {
		record('error', message, meta);
	}
	warn(message: string, meta?: unknown): void {
		record('warn', message, meta);
	}
	info(message: string, meta?: unknown): void {
		record('info', message, meta);
	}
	debug(message: string, meta?: unknown): void {
		record('debug', message, meta);
	}
	verbose(message: string, meta?: unknown): void {
		record('verbose', message, meta);
	}
	scoped(): CapturingLogger {
		return this;
	}
}

let installed: CapturingLogger | undefined;

/** Installs the capturing logger behind LoggerProxy and the DI Logger (idempotent). */
export function installCapturingLogger(): CapturingLogger {
	if (installed) return installed;
	installed = new CapturingLogger();
	LoggerProxy.init(installed as unknown as Parameters<typeof LoggerProxy.init>[0]);
	Container.set(Logger, installed as unknown as Logger);
	return installed;
}

export function registerSink(sink: LogLine[]): void {
	liveSinks.add(sink);
}

export async function withLogSink<T>(sink: LogLine[], fn: () => Promise<T>): Promise<T> {
	return await currentSink.run(sink, fn);
}
