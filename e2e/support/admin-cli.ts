import { spawn } from 'node:child_process';

// Runs `npm run admin -- ...` (operator recovery, scripts/admin.ts) as the operator would on the
// server host: in the project folder (where Playwright runs), with the server's DATABASE_URL
// and PUBLIC_URL. `answer` is what gets typed at the confirmation prompt (nothing: end of input).

export type AdminRun = { code: number | null; stdout: string; stderr: string };

export function runAdmin(args: string[], { env, answer = '' }: { env: Record<string, string>; answer?: string }): Promise<AdminRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'admin', '--', ...args], {
      cwd: process.cwd(),
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(answer);
  });
}
