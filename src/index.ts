/**
 * chaos as a library (package.json `main`): start a lab in a test and break it, run a scenario
 * file, analyse captures. Errors are ChaosErrors with a stable `code`; nothing here exits the
 * process. Jest matchers: `chaos/jest` (src/jest). docs/library.md has the walk-through.
 */

import './api/async-dispose';

export { startLab, type StartLabOptions } from './api/start-lab';
export {
  analyze,
  runScenario,
  runScenarioReport,
  SCENARIO_NOT_RUN,
  type RunScenarioOptions,
  type ScenarioRun,
} from './api/run-scenario';
export { LAB_CONNECT_FAILED, LAB_DOWN_FAILED } from './api/docker-chaos-lab';
export type { ChaosLab, FaultOptions, LabEvidence, LabNetwork, PollClock } from './api/types';
export { ChaosError, InputError, ValidationError, type Diagnostic } from './errors';
export type { LabSpec, LabNodeSpec } from './lab/lab-spec';
export type { StoredSpec } from './lab/lab';
export type { LabStatus, NodeStatus, ProbeResult, VrrpStatus } from './lab/lab-status';
export type { AnalysisResult, AnalyzeFilesOptions } from './capture';
export type { Report, ScenarioReport } from './report';
export type {
  OutageRecord,
  ScenarioResult,
  SplitBrainRecord,
  SwitchoverRecord,
} from './run/result';
export type { DriverName } from './scenario/types';
