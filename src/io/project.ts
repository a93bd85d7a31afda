/** Where things live in an operator's repository (README "Layout"). */
import path from 'node:path';

export interface Project {
  root: string;
  content: string;
  keys: string;
  retiredKeys: string;
  canary: string;
  archive: string;
  pending: string;
}

export function projectAt(root: string): Project {
  const abs = path.resolve(root);
  const content = path.join(abs, 'content');
  const canary = path.join(content, 'canary');
  return {
    root: abs,
    content,
    keys: path.join(abs, 'keys'),
    retiredKeys: path.join(abs, 'keys', 'retired'),
    canary,
    archive: path.join(canary, 'archive'),
    pending: path.join(canary, 'pending'),
  };
}
