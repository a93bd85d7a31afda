/** Word-level, Markdown-aware policy diffs that ignore reflow: the public surface. */
export { parseBlocks, type Block, type BlockKind, type BlockShape, type ListType } from './blocks.ts';
export { plainText, type Mark, type Token } from './tokens.ts';
export { applyDiff, diffPolicies, type DiffOp, type DiffStats, type Hunk, type HunkKind, type OpKind, type PolicyDiff } from './word-diff.ts';
export { diffToJson, renderDiffHtml, renderDiffTerminal, type DiffJson } from './render.ts';
