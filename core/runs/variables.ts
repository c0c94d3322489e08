/** The sealing context of a sensitive variable: a sealed value opens only as that variable of that workspace. */
export const variableContext = (workspaceId: string, category: string, key: string) => `workspace-variable:${workspaceId}:${category}:${key}`;
