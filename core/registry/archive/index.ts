export { defaultExtractLimits, detectArchiveFormat, type ArchiveFormat, type ExtractLimits } from './format';
export { extractArchive, type ExtractInput, type ExtractResult } from './extract';
