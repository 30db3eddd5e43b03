import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { DiagnosisReport } from './diagnoses';
import type { SageSession } from '../../../shared/session';

/** What the router hands every operation: the execution's Sage session and its warnings report. */
export interface OperationContext {
	session: SageSession;
	diagnoses: DiagnosisReport;
}

/** One operation's work: every input item in, every output item (each with pairedItem) out. */
export type OperationExecute = (
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	context: OperationContext,
) => Promise<INodeExecutionData[]>;
