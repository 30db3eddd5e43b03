import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { DiagnosisReport } from './common/diagnoses';
import { toNodeError } from '../../shared/errors';
import { runsAsTool, toolError, toolOutput } from './common/tool';
import { SageSession } from '../../shared/session';
import type { OperationExecute } from './common/types';
import * as asyncOperation from './asyncOperation/AsyncOperation.resource';
import { customDataOutput } from './common/custom-data';
import * as graphql from './graphql/Graphql.resource';
import * as record from './record/Record.resource';

/** resource -> operation -> its `execute`; every operation file also owns its parameters. */
const operations: Record<string, Record<string, OperationExecute>> = {
	record: {
		get: record.get.execute,
		getMany: record.getMany.execute,
		create: record.create.execute,
		update: record.update.execute,
		delete: record.delete.execute,
		upsert: record.upsert.execute,
		updateMany: record.updateMany.execute,
		aggregate: record.aggregate.execute,
		describe: record.describe.execute,
	},
	graphql: {
		query: graphql.query.execute,
		mutation: graphql.mutation.execute,
	},
	asyncOperation: {
		startAndWait: asyncOperation.startAndWait.execute,
		start: asyncOperation.start.execute,
		getStatus: asyncOperation.getStatus.execute,
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = operations[resource]?.[operation];
	if (!execute) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of "${resource}" is not supported.`,
		);
	}
	if (!runsAsTool(this))
		return [await run(this, execute, await SageSession.open(this), resource, operation)];
	// As an AI agent's tool: the same operation, its answer and errors shaped for a model.
	let session: SageSession | undefined;
	try {
		session = await SageSession.open(this);
		const output = await run(this, execute, session, resource, operation);
		return [toolOutput(this, output, { resource, operation })];
	} catch (error) {
		throw await toolError(this, error, { operation, session });
	}
}

/** One client per execution (`session`); its tokens and the tenant's schema are cached for the process. */
async function run(
	context: IExecuteFunctions,
	execute: OperationExecute,
	session: SageSession,
	resource: string,
	operation: string,
): Promise<INodeExecutionData[]> {
	const diagnoses = new DiagnosisReport(context);
	try {
		const output = await execute.call(context, context.getInputData(), { session, diagnoses });
		return resource === 'record' ? customDataOutput(context, operation, output) : output;
	} catch (error) {
		throw diagnoses.attachTo(toNodeError(context.getNode(), error));
	} finally {
		diagnoses.flush();
	}
}
