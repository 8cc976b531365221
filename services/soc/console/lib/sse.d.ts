export interface SseMessage { event: string; data: string }
export class SseParser {
  constructor(onMessage: (message: SseMessage) => void);
  push(text: string): void;
}
export function followAlertStream(options: {
  url: string; token: string; onAlert: (alert: unknown) => void; onState: (state: string) => void; onUnauthorized: (status: number) => void;
}): () => void;
