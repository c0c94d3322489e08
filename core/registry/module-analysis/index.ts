export { analyseModule, type AnalyseOptions } from './analyse';
export type {
  ModuleAnalysis,
  ModuleCall,
  ModuleInput,
  ModuleOutput,
  ModuleResource,
  ModuleUnit,
  ProviderRequirement,
} from './types';
