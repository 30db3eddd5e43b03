/**
 * In-process n8n engine harness: load a community package like n8n does and run its nodes
 * with n8n-core's real WorkflowExecute. See README.md in this folder.
 */
export { loadPackage, NOOP_NODE_TYPE } from './load-package';
export type { LoadedPackage } from './load-package';
export { TestEngine, INPUT_NODE_NAME, toError } from './engine';
export type {
	HarnessError,
	NodeSpec,
	PollArgs,
	RunArgs,
	RunResult,
	StoredCredentialSpec,
	TestEngineOptions,
} from './engine';
export type { CredentialUpdate } from './credentials';
export type { LogLine } from './logger';
export { ToolCallerNode, TOOL_CALLER_TYPE } from './tool-caller';
export type { ToolCall } from './tool-caller';
