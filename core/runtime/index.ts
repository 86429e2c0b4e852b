export { Runtime, Cancelled, EntryTooLargeError } from './runtime.ts';
export { createRunContext, SINK, type RunContext, type RuntimeSink, type RunInfo, type InstanceInfo } from './run-context.ts';
export { toJsonText, NotJsonError } from './json-value.ts';
