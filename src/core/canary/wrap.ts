/** Deterministic word wrap for the human part of signed documents. */
export const WIDTH = 72;

/** Wraps `text` to `width`, prefixing the first line with `first` and others with `rest`. */
export function wrap(text: string, first: string, rest: string, width = WIDTH): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/ +/).filter(Boolean)) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest + word;
    } else {
      line = empty ? line + word : `${line} ${word}`;
    }
    empty = false;
  }
  lines.push(line.trimEnd());
  return lines;
}

/** Groups a fingerprint as gpg prints it: `3EE5 596B 9EAF EDB8 C047  B027 424A ...`. */
export function groupFingerprint(fpr: string): string {
  const groups = fpr.match(/.{1,4}/g) ?? [];
  return `${groups.slice(0, 5).join(' ')}  ${groups.slice(5).join(' ')}`.trim();
}
