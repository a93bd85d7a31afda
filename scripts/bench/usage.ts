// Preloaded (node --import) into a measured process: at exit, its peak memory (maxRSS, KB)
// and CPU time on stderr's last line, for the bench to read. Changes nothing else.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const u = process.resourceUsage();
  writeSync(2, `\n${JSON.stringify({ benchUsage: { maxRssKb: u.maxRSS, cpuMs: Math.round((u.userCPUTime + u.systemCPUTime) / 1000) } })}\n`);
});
