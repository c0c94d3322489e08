/**
 * The API's response shapes are declared once, with zod, beside each route's presenter
 * (`api/routes/<area>/shapes.ts`). This module re-exports the types other layers (and the dashboard) name most.
 * Types only: nothing here reaches a bundle.
 */
export type { CatalogItem, CatalogKind, CatalogPage, CatalogSort } from '../api/routes/search/shapes';
export type { WorkflowPage, WorkflowStatusName, WorkflowSummary, WorkflowView } from '../api/routes/activity/shapes';
