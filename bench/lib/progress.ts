const started = Date.now();

/** Progress on stderr, stamped with the seconds since this process started (stdout stays for results). */
export function progress(message: string): void {
  process.stderr.write(`[bench +${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
